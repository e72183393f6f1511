module.exports = {
  apps: [
    { name: "api", script: "server.js", exp_backoff_restart_delay: 100 },
    { name: "worker", script: "worker.js", restartDelay: 2000 },
    { name: "cron", script: "cron.js", min_uptime: "10s" },
  ],
};
