module.exports = {
  apps: [
    {
      name: "api",
      script: "venv/bin/gunicorn",
      args: "-b 127.0.0.1:8000 app:app",
      interpreter: "none",
    },
    {
      script: "worker.js",
    },
  ],
};
