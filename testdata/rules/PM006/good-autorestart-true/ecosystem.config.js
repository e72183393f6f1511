module.exports = {
  apps: [{ name: "api", script: "server.js", autorestart: true, exp_backoff_restart_delay: 100 }],
};
