module.exports = {
  apps: [{ name: "worker-api", script: "uvicorn", args: "main:app --port 9000", interpreter: "none", exp_backoff_restart_delay: 100 }],
};
