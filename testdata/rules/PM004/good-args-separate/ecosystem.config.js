module.exports = {
  apps: [
    {
      name: "api",
      script: "venv/bin/gunicorn",
      args: "api.wsgi --bind 127.0.0.1:8001 --workers 3",
      interpreter: "none",
      exp_backoff_restart_delay: 100,
    },
  ],
};
