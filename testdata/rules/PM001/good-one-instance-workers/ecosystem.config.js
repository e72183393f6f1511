module.exports = {
  apps: [
    {
      name: "web",
      script: "venv/bin/gunicorn",
      args: "-b 127.0.0.1:8000 -w 4 app:app",
      interpreter: "none",
      instances: 1,
      exp_backoff_restart_delay: 100,
    },
  ],
};
