module.exports = {
  apps: [
    {
      name: "shop",
      script: "server.js",
      instances: 1,
      env: {
        NODE_ENV: "production",
        PORT: 3001,
      },
    },
  ],
};
