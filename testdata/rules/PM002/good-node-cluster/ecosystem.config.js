module.exports = {
  apps: [{ name: "web", script: "dist/server.js", exec_mode: "cluster", instances: "max", exp_backoff_restart_delay: 100 }],
};
