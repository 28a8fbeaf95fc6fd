// Once per run of the jest project node-red, before its suites (which run in parallel): install Node-RED into the
// cache (scripts/install-node-red.sh) and build the Node-RED package (node-red/build.js: shared/ ← dist/, lib/ ← src/).
// The suites never rebuild it, so one suite cannot delete lib/ under another; the e2e packs it with --ignore-scripts.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

module.exports = async function globalSetup() {
	const root = join(__dirname, '..', '..');
	if (!existsSync(join(root, 'dist', 'nodes', 'UltimakerDigitalFactory', 'actions', 'router.js'))) {
		throw new Error('No dist/: run "npm run build" first (npm test does)');
	}
	execFileSync('bash', [join(root, 'scripts', 'install-node-red.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 15 * 60_000 });
	execFileSync(process.execPath, [join(root, 'node-red', 'build.js')], { stdio: 'inherit' });
};
