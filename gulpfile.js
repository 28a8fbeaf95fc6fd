// Build orchestration: clean dist, compile TypeScript, then copy the static assets n8n loads next to the
// compiled nodes and credentials (icons and codex .node.json files), as the classic starter's build:icons did.
const { src, dest, series } = require('gulp');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function clean(done) {
	fs.rmSync(path.join(__dirname, 'dist'), { recursive: true, force: true });
	done();
}

function compile() {
	const tsc = require.resolve('typescript/bin/tsc');
	return spawn(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
}

function copyAssets() {
	return src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

exports.clean = clean;
exports['build:icons'] = copyAssets;
exports.build = series(clean, compile, copyAssets);
exports.default = exports.build;
