class A extends mixin(B, C) { a() { return 1 } b() {} }
class D extends E.F { static x = 1; get y() { return [1] } }
module.exports = { apps: [{ script: "server.js", env: { PORT: 3000 } }] };
