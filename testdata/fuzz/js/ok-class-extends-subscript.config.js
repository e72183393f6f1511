class A extends mixins[0] { a() {} b() {} }
class B extends (C) { static x = 1 }
const D = class extends mixin(E, class {}) { f() {} }
module.exports = { apps: [{ script: "server.js" }] };
