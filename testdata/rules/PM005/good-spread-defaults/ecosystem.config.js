// Restart settings shared by every app live in pm2-defaults.js.
module.exports = {
  apps: [
    { ...require("./pm2-defaults"), name: "api", script: "server.js" },
    { name: "web", script: "web.js", maxRestarts: 30 },
  ],
};
