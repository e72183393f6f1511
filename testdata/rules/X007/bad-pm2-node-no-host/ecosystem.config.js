module.exports = {
  apps: [{ name: "web", script: "index.js", env: { PORT: 3000 }, exp_backoff_restart_delay: 100 }],
};
