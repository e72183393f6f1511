module.exports = {
  apps: [
    {
      name: "api",
      script: "uvicorn",
      args: "main:app --host 127.0.0.1 --port 8000 --workers 2",
      interpreter: "none",
      env: { ENV: "production" },
      exp_backoff_restart_delay: 100,
    },
  ],
};
