// PM2 ecosystem for the shop backend
module.exports = {
  apps: [
    {
      name: "shop-backend",
      cwd: "/var/www/shop",
      script: "./venv/bin/gunicorn",
      args: "shop.wsgi:application --bind 127.0.0.1:8010 --timeout 60",
      interpreter: "none",
      exec_mode: "cluster",
      instances: 2,
      env: { DJANGO_SETTINGS_MODULE: "shop.settings.production" },
    },
  ],
};
