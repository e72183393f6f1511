module.exports = {
  apps: [
    {
      name: "web",
      script: "venv/bin/gunicorn",
      args: "-b 127.0.0.1:8000 app:app",
      interpreter: "none",
      instances: 4,
      exp_backoff_restart_delay: 100,
    },
  ],
};
