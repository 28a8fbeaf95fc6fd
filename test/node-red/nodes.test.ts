/**
 * The Node-RED nodes in Node-RED's own test helper, against the emulator: node-red/test/nodes.test.js, run by
 * Node's test runner on the Node that Node-RED 5 needs (jest itself runs on the machine's Node). This file starts
 * the emulator, runs the suite and fails with its report when a test fails.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Emulator } from '../../emulator';
import { DEFAULT_API_TOKEN, startEmulator } from '../../emulator';
import { installNodeRed, ROOT } from '../../scripts/lib/nodeRed';

jest.setTimeout(10 * 60_000);

const SUITE = join(ROOT, 'node-red', 'test', 'nodes.test.js');

let emu: Emulator;
let dir: string;

beforeAll(async () => {
	// Installed and built by globalSetup.js; this only reads the folder.
	dir = installNodeRed();
	emu = await startEmulator({ port: 0, storagePort: 0, seed: 'node-red-tests' });
});
afterAll(async () => {
	await emu?.close();
});

it('node-red-node-test-helper suite (node-red/test/nodes.test.js) passes', async () => {
	const child = spawn(join(dir, 'node'), ['--test', '--test-reporter=spec', SUITE], {
		env: { ...process.env, NODE_RED_DIR: dir, EMULATOR_URL: emu.url, EMULATOR_LAN_URL: emu.lanUrl, EMULATOR_TOKEN: DEFAULT_API_TOKEN },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let report = '';
	child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (report += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	if (code !== 0) throw new Error(`node --test exited with ${code}:\n${report}`);
	expect(report).toMatch(/ℹ fail 0/);
	// Every test the file declares ran and passed (none skipped or lost).
	const declared = (readFileSync(SUITE, 'utf8').match(/^\s*it\(/gm) ?? []).length;
	expect(Number(/ℹ pass (\d+)/.exec(report)?.[1])).toBe(declared);
});
