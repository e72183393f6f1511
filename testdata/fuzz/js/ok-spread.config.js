const base = { apps: [] };
module.exports = { apps: [...base.apps, { script: "a.js" }, ...[1, 2]] };
