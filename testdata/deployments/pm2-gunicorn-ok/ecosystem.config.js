module.exports = {
  apps: [
    {
      name: "web",
      script: "venv/bin/gunicorn",
      args: ["-w", "2", "-b", "127.0.0.1:5000", "app:app"],
      interpreter: "none",
      exp_backoff_restart_delay: 100,
    },
  ],
};
