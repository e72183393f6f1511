module.exports = {
  apps: [{ name: "api", script: "venv/bin/gunicorn api.wsgi --bind 127.0.0.1:8001", args: "", exp_backoff_restart_delay: 100 }],
};
