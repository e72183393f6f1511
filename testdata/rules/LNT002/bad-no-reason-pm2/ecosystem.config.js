module.exports = {
  apps: [
    {
      name: "worker", // lint502: ignore[no-restart-backoff] because
      script: "worker.js",
    },
  ],
};
