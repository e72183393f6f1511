module.exports = { apps: [{ name: "a", script: "a.js" }] };
const x = class class class class class class class class class class class class class class class class class class class class class class class class class class class class class class class class class class class class class class class class 
