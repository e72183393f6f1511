module.exports = {
  apps: [{ name: "web", script: "index.js", env: { PORT: 3000 } }],
};
