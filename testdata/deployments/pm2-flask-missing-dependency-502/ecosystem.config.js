module.exports = {
  apps: [
    {
      name: "shop",
      cwd: "/srv/shop",
      script: "venv/bin/gunicorn",
      args: "--workers 3 --bind 127.0.0.1:8000 'shop:create_app()'",
      interpreter: "none",
      env: { FLASK_ENV: "production" },
    },
  ],
};
