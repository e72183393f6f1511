module.exports = {
  apps: [
    {
      name: "api",
      script: "/srv/api/venv/bin/gunicorn",
      args: "-b 127.0.0.1:8000 api.wsgi:application",
      interpreter: "/srv/api/venv/bin/python",
      exec_mode: "cluster",
      instances: "max",
      exp_backoff_restart_delay: 100,
    },
  ],
};
