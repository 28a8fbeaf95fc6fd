import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { httpRequest } from '../../../emulator';
import { STEP_MARGIN_MS, TSX_PROCESS_START_MS } from '../../helpers/budgets';

/** Each test starts the emulator CLI as a new Node process loading TypeScript through tsx. */
jest.setTimeout(TSX_PROCESS_START_MS + STEP_MARGIN_MS);

const ROOT = join(__dirname, '..', '..', '..');

/** Starts `emulator/cli.ts` as `npm run emulator` would (minus npm), returns its output so far and the child. */
function startCli(args: string[]) {
	const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	child.stdout.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr.on('data', (d: Buffer) => (out += d.toString()));
	const ready = new Promise<string>((resolve, reject) => {
		const timer = setInterval(() => {
			if (out.includes('Press Ctrl-C')) {
				clearInterval(timer);
				resolve(out);
			}
		}, 25);
		child.once('exit', (code) => {
			clearInterval(timer);
			reject(new Error(`exited ${code}: ${out}`));
		});
	});
	ready.catch(() => undefined); // a test that expects the CLI to fail does not await `ready`
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	return { child, ready, exited, output: () => out };
}

describe('emulator CLI', () => {
	test('prints URLs, token and OAuth client; serves the farm from --printers/--cluster-size; SIGTERM exits 0', async () => {
		const cli = startCli(['--port', '0', '--printers', 'ultimaker_s5:3,ultimaker_s7:1', '--cluster-size', '2', '--seed', 'cli', '--token', 'umapi-extra|main', '--speed', '60']);
		const out = await cli.ready;
		const apiUrl = /API base URL:\s+(\S+)/.exec(out)![1]!;
		expect(/Storage URL:\s+(http:\/\/127\.0\.0\.1:\d+)/.test(out)).toBe(true);
		expect(out).toContain('umapi-emulator-token-0001|main');
		expect(out).toContain('n8n-emulator-client / n8n-emulator-secret');
		expect(out).toContain('Clock speed:    60×');
		const clusters = await httpRequest('GET', `${apiUrl}/connect/v1/clusters`, { headers: { Authorization: 'Bearer umapi-extra|main' } });
		expect(clusters.status).toBe(200);
		expect(clusters.json.data.map((c: any) => c.printer_count)).toEqual([2, 2]);
		expect(clusters.json.data.map((c: any) => c.printer_type)).toEqual(['ultimaker_s5', 'ultimaker_s5']);
		cli.child.kill('SIGTERM');
		expect(await cli.exited).toBe(0);
		expect(cli.output()).toContain('closing the emulator');
	});

	test('a bad flag exits 2 with a message naming the known flags', async () => {
		const cli = startCli(['--printers', 'ultimaker_s99']);
		expect(await cli.exited).toBe(2);
		expect(cli.output()).toContain('Unknown printer type');
	});
});
