// Node-RED entry (package.json "node-red".nodes): registers the config node and the six Ultimaker nodes from the
// compiled host (lib/, built from src/ by build.js); their editor forms and help text are in ultimaker.html.
module.exports = require('../lib/nodes');
