module.exports = {
  apps: [{ name: "web", script: "dist/server.js", exec_mode: "cluster", instances: "max" }],
};
