module.exports = {
  apps: [{ name: "api", script: "server.js", exp_backoff_restart_delay: 100 }],
  deploy: {
    production: {
      user: "deploy",
      host: "app.example.com",
      ref: "origin/main",
      repo: "git@github.com:acme/api.git",
      path: "/srv/api",
      "post-deploy": "pm2 reload ecosystem.config.js --env production",
    },
  },
};
