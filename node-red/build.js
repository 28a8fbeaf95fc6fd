// Builds the Node-RED package: copies the n8n package's compiled shared code (../dist/nodes/UltimakerDigitalFactory,
// made by the root `npm run build`) into shared/, then compiles the Node-RED host (src/ → lib/). Nothing here is a
// copy in git: shared/ and lib/ are build output, so `npm pack` of this folder is self-contained.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const from = path.join(here, '..', 'dist', 'nodes', 'UltimakerDigitalFactory');
if (!fs.existsSync(path.join(from, 'actions', 'router.js'))) {
	console.error(`No compiled shared code in ${from}: run "npm run build" in the repository root first.`);
	process.exit(1);
}
const shared = path.join(here, 'shared');
fs.rmSync(shared, { recursive: true, force: true });
fs.rmSync(path.join(here, 'lib'), { recursive: true, force: true });
// The compiled JavaScript and its declarations (the host is type-checked against them); no icons, no codex files.
fs.cpSync(from, shared, { recursive: true, filter: (source) => fs.statSync(source).isDirectory() || /\.(js|d\.ts)$/.test(source) });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(here, 'tsconfig.json')], { stdio: 'inherit' });
console.log('node-red package built: shared/ (from ../dist) and lib/');
