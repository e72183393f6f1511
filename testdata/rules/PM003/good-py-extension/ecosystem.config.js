module.exports = {
  apps: [{ name: "bot", script: "bot.py", interpreter: "/srv/bot/venv/bin/python3", exp_backoff_restart_delay: 100 }],
};
