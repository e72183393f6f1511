module.exports = {
  apps: [
    {
      name: "api",
      script: "server.js",
      autorestart: false,
      max_restarts: 10,
    },
  ],
};
