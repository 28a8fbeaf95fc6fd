/**
 * A real Node-RED runtime with the packed Node-RED package, for the e2e test and `npm run start:node-red`: packs
 * node-red/ (npm pack → its prepack builds it from ../dist), installs the tarball into a clean user directory the
 * way Node-RED's palette manager would (npm install there), writes a settings file (port, persistent context,
 * unencrypted credentials file for the demo) and starts Node-RED 5 on the Node it needs. Flows are deployed through
 * the admin API (POST /flows), credentials inline as the editor sends them.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const NODE_RED_PACKAGE = '@n8n-nodes-ultimaker/node-red-ultimaker';

/** The folder scripts/install-node-red.sh made: node, node_modules/node-red, node_modules/node-red-node-test-helper. */
export function installNodeRed(): string {
	const output = execFileSync('bash', [join(ROOT, 'scripts', 'install-node-red.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 });
	return output.trim().split('\n').pop()!;
}

/**
 * npm pack of node-red/ into `destination`; the tarball's path. `build`: run its prepack (build.js) first; false
 * when it is built already (the tests build it once in globalSetup).
 */
export function packNodeRedPackage(destination: string, build = true): string {
	mkdirSync(destination, { recursive: true });
	for (const old of readdirSync(destination).filter((name) => name.endsWith('.tgz'))) rmSync(join(destination, old));
	execFileSync('npm', ['pack', '--pack-destination', destination, '--loglevel=error', ...(build ? [] : ['--ignore-scripts'])], { cwd: join(ROOT, 'node-red'), stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
	if (!tarball) throw new Error(`npm pack left no tarball in ${destination}`);
	return join(destination, tarball);
}

export interface NodeRedRuntime {
	url: string;
	userDir: string;
	process: ChildProcess;
	log(): string;
	stop(): Promise<void>;
}

/** A clean user directory with the tarball installed (npm install, as the palette manager does) and a settings file. */
export function prepareUserDir(nodeRedDir: string, userDir: string, tarball: string, port: number): void {
	rmSync(userDir, { recursive: true, force: true });
	mkdirSync(userDir, { recursive: true });
	writeFileSync(join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true, version: '0.0.1' }, null, 2));
	execFileSync('npm', ['install', tarball, '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'], {
		cwd: userDir,
		stdio: ['ignore', 'ignore', 'inherit'],
		env: { ...process.env, PATH: `${join(nodeRedDir, 'node_modules', '.bin')}:${process.env.PATH}` },
		timeout: 10 * 60_000,
	});
	writeFileSync(
		join(userDir, 'settings.js'),
		`module.exports = {
	uiPort: ${port},
	uiHost: '127.0.0.1',
	flowFile: 'flows.json',
	// The demo's credentials file is not encrypted; set a secret for anything real.
	credentialSecret: false,
	// The events node keeps its state here: it survives a restart.
	contextStorage: { default: { module: 'localfilesystem' } },
	logging: { console: { level: 'info', metrics: false, audit: false } },
	editorTheme: { tours: false, projects: { enabled: false } },
	// No telemetry, and so no consent dialog in the editor (the machine may be offline).
	telemetry: { enabled: false },
};
`,
	);
}

export async function startNodeRed(nodeRedDir: string, userDir: string, port: number): Promise<NodeRedRuntime> {
	const child = spawn(join(nodeRedDir, 'node'), [join(nodeRedDir, 'node_modules', 'node-red', 'red.js'), '--userDir', userDir, '--settings', join(userDir, 'settings.js')], {
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, NODE_RED_HOME: userDir },
	});
	let log = '';
	child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 120_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`Node-RED exited with ${child.exitCode}:\n${log}`);
		if (/Started flows|Server now running/.test(log)) {
			try {
				if ((await fetch(`${url}/settings`)).ok) break;
			} catch {
				// not listening yet
			}
		}
		if (Date.now() > deadline) throw new Error(`Node-RED did not start within 120 s:\n${log}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return {
		url,
		userDir,
		process: child,
		log: () => log,
		stop: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			let timer: NodeJS.Timeout | undefined;
			await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
			// The 10 s bound must not keep the process (a jest worker) alive after Node-RED has exited.
			clearTimeout(timer);
			if (child.exitCode === null) child.kill('SIGKILL');
		},
	};
}

/** The node types Node-RED's admin API lists as loaded for the package (GET /nodes, JSON); a set that failed to load throws. */
export async function listedTypes(url: string): Promise<string[]> {
	const sets = (await (await fetch(`${url}/nodes`, { headers: { Accept: 'application/json' } })).json()) as Array<{
		module: string;
		types: string[];
		loaded?: boolean;
		enabled?: boolean;
		err?: string;
	}>;
	const ours = sets.filter((set) => set.module === NODE_RED_PACKAGE);
	for (const set of ours) if (set.err || set.loaded === false || set.enabled === false) throw new Error(`Node-RED did not load ${set.module}: ${set.err ?? 'not loaded'}`);
	return ours.flatMap((set) => set.types);
}

/** Replaces every flow (POST /flows, full deployment). */
export async function deployFlows(url: string, flows: unknown[]): Promise<void> {
	const response = await fetch(`${url}/flows`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
		body: JSON.stringify(flows),
	});
	if (!response.ok) throw new Error(`POST /flows: ${response.status} ${await response.text()}`);
}

/** An example flow (node-red/examples) pointed at the emulator: the connection's Base URL and API token filled in. */
export function exampleFlow(file: string, emulatorUrl: string, apiToken: string): Array<Record<string, unknown>> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const flow = JSON.parse(JSON.stringify(require(join(ROOT, 'node-red', 'examples', file)))) as Array<Record<string, unknown>>;
	for (const node of flow) {
		if (node.type === 'ultimaker-connection') Object.assign(node, { name: 'Emulator', baseUrl: emulatorUrl, credentials: { apiToken } });
	}
	return flow;
}
