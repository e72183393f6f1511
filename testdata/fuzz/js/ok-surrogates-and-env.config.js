module.exports = { apps: [{ name: "\uD83D\uDE00\uD800", script: "s.js", env: { PORT: process.env.PORT || 3000 } }] };
app.listen(process.env.PORT ?? 8080, "127.0.0.1")
