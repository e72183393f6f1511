module.exports = {
  apps: [
    {
      name: "site",
      cwd: "/srv/site",
      script: "venv/bin/gunicorn",
      args: ["--bind", "127.0.0.1:8000", "site.wsgi"],
      exp_backoff_restart_delay: 100,
    },
  ],
};
