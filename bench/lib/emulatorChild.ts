/**
 * Starts the emulator CLI in a child process (frozen clock, ports chosen by the OS), so a benchmark's own memory
 * and CPU figures do not include the emulator's. Resolves once the CLI has printed its URLs: the cloud API, the
 * storage and the local-network listener (the printers' own API for one group).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export async function startEmulatorChild(seed: string): Promise<{ child: ChildProcess; apiUrl: string; storageUrl: string; lanUrl: string }> {
	const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--port', '0', '--speed', '0', '--seed', seed], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let out = '';
	return await new Promise((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`emulator exited early (${code}): ${out}`)));
		child.stdout!.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const api = /API base URL:\s+(\S+)/.exec(out);
			const storage = /Storage URL:\s+(\S+)/.exec(out);
			const lan = /Local network:\s+(\S+)/.exec(out);
			if (api && storage && lan && out.includes('Press Ctrl-C')) {
				child.removeAllListeners('exit');
				resolve({ child, apiUrl: api[1]!, storageUrl: storage[1]!, lanUrl: lan[1]! });
			}
		});
	});
}
