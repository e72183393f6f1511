module.exports = {
  apps: [{ name: "api", script: "main.py", interpreter: "python3" }],
};
