module.exports = {
  apps: [
    {
      name: "api",
      script: "/srv/api/venv/bin/gunicorn",
      args: "-b 127.0.0.1:8000 -w 4 api.wsgi:application",
      interpreter: "none",
      exec_mode: "fork",
      exp_backoff_restart_delay: 100,
    },
  ],
};
