/**
 * Running a real n8n: locate (or install) it, run its CLI against a throwaway user folder, start it as a
 * server, give it an owner. Shared by the demo (`npm start`), the screenshots script and the e2e harness.
 * Every child runs in its own process group so a stop takes n8n's task runners down with it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const DIST_DIR = join(REPO_ROOT, 'dist');
/** The n8n versions the package is tested on, pinned in scripts/versions.json (how to bump: docs/compatibility.md). */
export const N8N_VERSIONS: { latest: string; oldest: string } = JSON.parse(
	readFileSync(join(REPO_ROOT, 'scripts', 'versions.json'), 'utf8'),
).n8n;
/** The demo's and the screenshots' n8n: the oldest supported one, the only one that runs on the system Node 20. */
export const DEFAULT_N8N_VERSION = N8N_VERSIONS.oldest;

/** `latest` / `oldest` name the pinned versions; anything else is an n8n version as is. */
export function resolveN8nVersion(version: string): string {
	return version === 'latest' || version === 'oldest' ? N8N_VERSIONS[version] : version;
}

/** How the package's types are named when n8n loads `dist/` through N8N_CUSTOM_EXTENSIONS. */
export const CUSTOM_PREFIX = 'CUSTOM.';
/** How they are named when the package is installed from n8n's Community nodes screen. */
export const PACKAGE_PREFIX = 'n8n-nodes-ultimaker.';

export interface LocateOptions {
	version?: string;
	/** Show the installer's progress (first run) on this process's stderr. */
	showProgress?: boolean;
}

/** Runs scripts/install-n8n.sh (a no-op when the version is cached) and returns the n8n binary it prints last. */
export function locateN8n(options: LocateOptions = {}): string {
	const version = resolveN8nVersion(options.version ?? process.env.N8N_VERSION ?? DEFAULT_N8N_VERSION);
	const result = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'install-n8n.sh')], {
		env: { ...process.env, N8N_VERSION: version },
		stdio: ['ignore', 'pipe', options.showProgress ? 'inherit' : 'pipe'],
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	const lines = (result.stdout ?? '').trim().split('\n');
	const bin = lines[lines.length - 1]?.trim();
	if (result.status !== 0 || !bin || !existsSync(bin)) {
		throw new Error(
			`Installing n8n ${version} failed (exit ${result.status}).\n${tail(String(result.stderr ?? ''), 40)}`,
		);
	}
	return bin;
}

/**
 * Like locateN8n, for interactive use: the installer's messages go to stderr and, while a first-run install
 * is busy, a line every 20 s says it is still going (npm itself stays quiet for minutes).
 */
export async function locateN8nWithProgress(version?: string): Promise<string> {
	const wanted = resolveN8nVersion(version ?? process.env.N8N_VERSION ?? DEFAULT_N8N_VERSION);
	const child = spawn('bash', [join(REPO_ROOT, 'scripts', 'install-n8n.sh')], {
		env: { ...process.env, N8N_VERSION: wanted },
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	track(child);
	let stdout = '';
	child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	const started = Date.now();
	const ticker = setInterval(() => {
		const seconds = Math.round((Date.now() - started) / 1000);
		process.stderr.write(`  … still installing n8n ${wanted} (${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s)\n`);
	}, 20_000);
	const code = await new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
	clearInterval(ticker);
	const lines = stdout.trim().split('\n');
	const bin = lines[lines.length - 1]?.trim();
	if (code !== 0 || !bin || !existsSync(bin)) throw new Error(`Installing n8n ${wanted} failed (exit ${code}); see the messages above.`);
	return bin;
}

/** True when dist/ is missing or older than any source file of the package. */
export function distIsStale(): boolean {
	const marker = join(DIST_DIR, 'nodes', 'UltimakerDigitalFactory', 'UltimakerDigitalFactory.node.js');
	if (!existsSync(marker)) return true;
	const builtAt = statSync(marker).mtimeMs;
	return newestMtime([join(REPO_ROOT, 'nodes'), join(REPO_ROOT, 'credentials')]) > builtAt;
}

function newestMtime(dirs: string[]): number {
	let newest = 0;
	for (const dir of dirs) {
		if (!existsSync(dir)) continue;
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			newest = Math.max(newest, entry.isDirectory() ? newestMtime([path]) : statSync(path).mtimeMs);
		}
	}
	return newest;
}

export function buildPackage(): void {
	const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
	if (result.status !== 0) throw new Error('npm run build failed');
}

export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolvePort(port));
		});
	});
}

export async function assertPortFree(port: number, hint: string): Promise<void> {
	await new Promise<void>((resolveFree, reject) => {
		const server = createServer();
		server.once('error', () => reject(new Error(`Port ${port} is already in use. ${hint}`)));
		server.listen(port, '0.0.0.0', () => server.close(() => resolveFree()));
	});
}

export interface N8nEnvOptions {
	userFolder: string;
	/** Port of n8n's internal task broker; every n8n process needs its own. */
	brokerPort: number;
	/** Editor/REST port (only `n8n start` listens on it). */
	port?: number;
	/** Folders the file nodes (Read/Write Files from Disk, Local File Trigger) may touch. */
	fileAccessDirs?: string[];
	/** The built package n8n loads (default: the repo's dist/). */
	packageDir?: string;
	extra?: Record<string, string>;
}

/** Environment for a headless, offline n8n that loads this package from dist/. */
export function n8nEnv(options: N8nEnvOptions): NodeJS.ProcessEnv {
	mkdirSync(options.userFolder, { recursive: true });
	return {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		LANG: process.env.LANG ?? 'C.UTF-8',
		TMPDIR: process.env.TMPDIR,
		N8N_USER_FOLDER: options.userFolder,
		N8N_CUSTOM_EXTENSIONS: options.packageDir ?? DIST_DIR,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// The nodes must not need the environment: prove it.
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
		// Local only, plain http: a secure cookie would lock the editor out.
		N8N_SECURE_COOKIE: 'false',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		// n8n pings its database every 2 s and, when a ping takes over 5 s, answers every request with 503 "Database
		// is not ready!" until one succeeds. Two clones' e2e suites side by side on 2 cores (load average above 30)
		// delayed pings that long, and 56 of 300 webhook calls got that 503. 2.8.4 reads N8N_DB_PING_TIMEOUT, 2.41.1
		// DB_PING_TIMEOUT_MS (and the old name with a deprecation warning).
		N8N_DB_PING_TIMEOUT: '30000',
		DB_PING_TIMEOUT_MS: '30000',
		...(options.port ? { N8N_PORT: String(options.port), N8N_LISTEN_ADDRESS: '127.0.0.1' } : {}),
		// n8n 2.x disables the Local File Trigger by default; the file-drop example needs it.
		NODES_EXCLUDE: '["n8n-nodes-base.executeCommand"]',
		...(options.fileAccessDirs?.length ? { N8N_RESTRICT_FILE_ACCESS_TO: options.fileAccessDirs.join(';') } : {}),
		...options.extra,
	};
}

export interface CliResult {
	/** null when the process did not exit by itself: killed by a signal (`signal`) or never started (`stderr` says why). */
	exitCode: number | null;
	/** The signal that ended the process, when one did (SIGKILL from this runner's timeout: `timedOut`). */
	signal?: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
	/** This runner killed it (SIGKILL to its group) when its `timeoutMs` ran out. */
	timedOut: boolean;
}

/** How a CLI run ended, for messages: `exit 1`, `killed by SIGKILL after 180000 ms (its time budget)`, ... */
export function describeExit(result: CliResult): string {
	if (result.exitCode !== null) return `exit ${result.exitCode}`;
	if (result.timedOut) return `killed by SIGKILL after ${result.durationMs} ms (its time budget ran out)`;
	if (result.signal) return `killed by ${result.signal} after ${result.durationMs} ms (not by its time budget: by another process, e.g. a cleanup or the kernel's OOM killer)`;
	return `no exit code after ${result.durationMs} ms (it could not be started or waited for: ${tail(result.stderr, 3)})`;
}

/**
 * Runs one n8n CLI command to completion (own process group, killed on timeout). Its output goes to files, not
 * pipes: n8n prints the execution JSON through its logger and then calls process.exit(), and Node drops what it
 * still had queued for a full pipe — with the machine busy (two clones' tests side by side) an `n8n execute` that
 * exited 0 left its JSON cut off mid-line. Writes to a file complete before the process goes on.
 */
export async function runN8nCli(
	bin: string,
	args: string[],
	env: NodeJS.ProcessEnv,
	timeoutMs = 120_000,
	/** Called with the child right after it is spawned (benchmarks sample its memory). */
	onSpawn?: (child: ChildProcess) => void,
): Promise<CliResult> {
	const started = Date.now();
	const outputDir = mkdtempSync(join(tmpdir(), 'n8n-cli-'));
	const [outFile, errFile] = [join(outputDir, 'stdout'), join(outputDir, 'stderr')];
	const fds = [openSync(outFile, 'w'), openSync(errFile, 'w')];
	let child: ChildProcess;
	try {
		child = spawn(bin, args, { env, detached: true, stdio: ['ignore', fds[0], fds[1]] });
	} finally {
		for (const fd of fds) closeSync(fd);
	}
	track(child);
	onSpawn?.(child);
	let spawnError = '';
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		killGroup(child, 'SIGKILL');
	}, timeoutMs);
	const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
		child.on('error', (error) => {
			spawnError = `\n${error.message}`;
			resolveExit({ exitCode: null, signal: null });
		});
		child.on('close', (code, closeSignal) => resolveExit({ exitCode: code, signal: closeSignal }));
	});
	clearTimeout(timer);
	// Task runners it spawned share the group: make sure none outlives the command.
	killGroup(child, 'SIGKILL');
	const stdout = readFileSync(outFile, 'utf8');
	const stderr = readFileSync(errFile, 'utf8') + spawnError;
	rmSync(outputDir, { recursive: true, force: true });
	return { exitCode, signal, stdout, stderr, durationMs: Date.now() - started, timedOut };
}

/**
 * Publishes (activates) workflows in a running n8n through its REST API, as the editor's Publish button does: the
 * workflow's current version, one request each. One CLI `update:workflow` per workflow cost a whole n8n start-up
 * (about 4 s of CPU) and only took effect at the next start. Needs the owner's cookie (`ensureOwner`).
 */
export async function publishWorkflows(url: string, cookie: string, workflowIds: string[]): Promise<void> {
	for (const id of workflowIds) {
		const path = `${url}/rest/workflows/${encodeURIComponent(id)}`;
		const read = await fetch(path, { headers: { cookie } });
		const body = await read.text();
		const versionId = read.ok ? (JSON.parse(body) as { data?: { versionId?: string } }).data?.versionId : undefined;
		if (!versionId) throw new Error(`Could not read workflow ${id} to publish it: ${read.status} ${body}`);
		const publish = await fetch(`${path}/activate`, {
			method: 'POST',
			headers: { cookie, 'content-type': 'application/json' },
			body: JSON.stringify({ versionId }),
		});
		if (!publish.ok) throw new Error(`Could not publish workflow ${id}: ${publish.status} ${await publish.text()}`);
	}
}

/** The execution JSON n8n prints: from the first line that starts with `{` to the last line that is `}`. */
export function parseExecutionJson(stdout: string): Record<string, any> | undefined {
	const lines = stdout.split('\n');
	const first = lines.findIndex((line) => line.startsWith('{'));
	if (first < 0) return undefined;
	for (let last = lines.length - 1; last > first; last--) {
		if (!lines[last].startsWith('}')) continue;
		try {
			return JSON.parse(lines.slice(first, last + 1).join('\n')) as Record<string, any>;
		} catch {
			// keep looking for an earlier closing line
		}
	}
	return undefined;
}

/**
 * Children run detached (own process group) so a stop reaches n8n's task runners too; the flip side is that
 * they would outlive this process if it died without cleaning up. Kill what is left when it exits.
 */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

export function track(child: ChildProcess): void {
	liveChildren.add(child);
	child.once('close', () => liveChildren.delete(child));
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.once('exit', () => {
		for (const live of liveChildren) killGroup(live, 'SIGKILL');
	});
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// group already gone
	}
}

export interface N8nProcess {
	child: ChildProcess;
	/** Everything it printed so far (the last ~1 MB). */
	log(): string;
	/** SIGTERM to its process group (n8n's graceful shutdown), SIGKILL after 10 s. */
	stop(): Promise<void>;
	/** SIGKILL to its process group at once: a crash, not a shutdown. */
	kill(): Promise<void>;
	/** Resolves when it has exited. */
	exited: Promise<number | null>;
}

export interface N8nServer extends N8nProcess {
	url: string;
	port: number;
}

/**
 * How long an `n8n start` or `n8n worker` may take to be ready. Alone, one start takes 9.5 s (2.8.4) / 12.8 s
 * (2.41.1) and 11 / 15 s of CPU, migrations included (fresh user folder, idle machine, 2026-12-06). The busiest case
 * this has to hold is two clones' `npm test` side by side: their four jest workers each begin with a queue or server
 * suite, so up to 16 n8n processes start at once on 2 cores — about 16 × 13 s / 2 ≈ 105 s of wall time, plus
 * Postgres and the workers' own start. At 90 s every server start of such a run failed; 240 s is that estimate
 * with more than twice the margin.
 */
export const N8N_START_MS = 240_000;

export interface StartServerOptions {
	bin: string;
	env: NodeJS.ProcessEnv;
	port: number;
	/** Default N8N_START_MS. */
	startTimeoutMs?: number;
	/** Mirror n8n's output to this process (demo) instead of only keeping it for failure messages. */
	echo?: boolean;
	/** Prefix for echoed lines (several n8n processes in one terminal). */
	echoPrefix?: string;
}

interface ProcessOptions {
	bin: string;
	args: string[];
	env: NodeJS.ProcessEnv;
	echo?: boolean;
	echoPrefix?: string;
	/** Resolves true once the process is ready; polled every 300 ms with its output so far. */
	ready: (output: string) => Promise<boolean>;
	startTimeoutMs: number;
	what: string;
}

/** Spawns one long-running n8n command (`start`, `worker`) in its own process group and waits until it is ready. */
async function startN8nProcess(options: ProcessOptions): Promise<N8nProcess> {
	const child = spawn(options.bin, options.args, { env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	track(child);
	let output = '';
	const onData = (stream: NodeJS.WriteStream) => (chunk: string) => {
		output += chunk;
		if (output.length > 2_000_000) output = output.slice(-1_000_000);
		if (options.echo) stream.write(options.echoPrefix ? prefixLines(chunk, options.echoPrefix) : chunk);
	};
	child.stdout?.setEncoding('utf8').on('data', onData(process.stdout));
	child.stderr?.setEncoding('utf8').on('data', onData(process.stderr));
	let exitCode: number | null | undefined;
	const exited = new Promise<number | null>((resolveExit) =>
		child.on('close', (code) => {
			exitCode = code;
			resolveExit(code);
		}),
	);
	const proc: N8nProcess = {
		child,
		exited,
		log: () => output,
		stop: async () => {
			if (exitCode !== undefined) return;
			killGroup(child, 'SIGTERM');
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
			killGroup(child, 'SIGKILL');
		},
		kill: async () => {
			if (exitCode !== undefined) return;
			killGroup(child, 'SIGKILL');
			await exited;
		},
	};
	const deadline = Date.now() + options.startTimeoutMs;
	while (Date.now() < deadline) {
		if (exitCode !== undefined) {
			throw new Error(`${options.what} exited with code ${exitCode} before it was ready.\n${tail(output, 60)}`);
		}
		if (await options.ready(output)) return proc;
		await sleep(300);
	}
	await proc.stop();
	throw new Error(`${options.what} was not ready within ${options.startTimeoutMs} ms.\n${tail(output, 60)}`);
}

function prefixLines(chunk: string, prefix: string): string {
	return chunk.replace(/^(?=.)/gm, prefix);
}

/** `n8n start`, resolved once /healthz answers and the editor is announced. */
export async function startN8nServer(options: StartServerOptions): Promise<N8nServer> {
	const url = `http://127.0.0.1:${options.port}`;
	const proc = await startN8nProcess({
		bin: options.bin,
		args: ['start'],
		env: options.env,
		echo: options.echo,
		echoPrefix: options.echoPrefix,
		ready: async (output) => output.includes('Editor is now accessible') && (await healthy(url)),
		startTimeoutMs: options.startTimeoutMs ?? N8N_START_MS,
		what: 'n8n start',
	});
	return Object.assign(proc, { url, port: options.port });
}

export interface N8nWorker extends N8nProcess {
	/** Its health server (`QUEUE_HEALTH_CHECK_PORT`): `/healthz`, `/healthz/readiness`. */
	healthUrl: string;
}

export interface StartWorkerOptions {
	bin: string;
	/** An n8nEnv with the queue-mode variables; QUEUE_HEALTH_CHECK_PORT is added here. */
	env: NodeJS.ProcessEnv;
	healthPort: number;
	concurrency?: number;
	startTimeoutMs?: number;
	echo?: boolean;
	echoPrefix?: string;
}

/**
 * `n8n worker` (queue mode), resolved once it says it is ready and its readiness check (database and Redis
 * connected) answers 200.
 */
export async function startN8nWorker(options: StartWorkerOptions): Promise<N8nWorker> {
	const healthUrl = `http://127.0.0.1:${options.healthPort}`;
	const proc = await startN8nProcess({
		bin: options.bin,
		args: ['worker', `--concurrency=${options.concurrency ?? 5}`],
		env: { ...options.env, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(options.healthPort) },
		echo: options.echo,
		echoPrefix: options.echoPrefix,
		ready: async (output) => output.includes('n8n worker is now ready') && (await healthy(healthUrl, '/healthz/readiness')),
		startTimeoutMs: options.startTimeoutMs ?? N8N_START_MS,
		what: 'n8n worker',
	});
	return Object.assign(proc, { healthUrl });
}

/**
 * Resolves once n8n has registered a production webhook. Newer n8n (2.x with the publication service)
 * activates workflows in the background after the editor is up, so "started" does not mean "listening".
 * A GET to a POST-only webhook answers "…not registered for GET requests. Did you mean to make a POST
 * request?" once it is registered, and "…is not registered" before.
 */
export async function waitForWebhook(server: N8nServer, path: string, timeoutMs = 90_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	while (Date.now() < deadline) {
		const response = await fetch(`${server.url}/webhook/${path}`).catch(() => undefined);
		last = response ? `${response.status} ${await response.text()}` : 'no answer';
		if (response && (response.status !== 404 || /did you mean/i.test(last))) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`Webhook /webhook/${path} was not registered within ${timeoutMs} ms (last answer: ${last}).\n${tail(server.log(), 40)}`);
}

async function healthy(url: string, path = '/healthz'): Promise<boolean> {
	try {
		const response = await fetch(`${url}${path}`);
		return response.ok;
	} catch {
		return false;
	}
}

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEMO_OWNER: Owner = {
	email: 'demo@ultimaker-n8n.local',
	password: 'Ultimaker-demo-1',
	firstName: 'Demo',
	lastName: 'Owner',
};

/** Creates the instance owner of a fresh n8n (or logs in if it already has one); returns the auth cookie. */
export async function ensureOwner(url: string, owner: Owner = DEMO_OWNER): Promise<string> {
	const setup = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(owner),
	});
	if (setup.ok) return cookieOf(setup);
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		// n8n 2.x names the field emailOrLdapLoginId; 1.x reads email.
		body: JSON.stringify({ email: owner.email, emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	if (!login.ok) {
		throw new Error(
			`Could not set up or log in the n8n owner: setup ${setup.status} ${await setup.text()}; login ${login.status} ${await login.text()}`,
		);
	}
	return cookieOf(login);
}

function cookieOf(response: Response): string {
	const cookies = response.headers.getSetCookie?.() ?? [];
	return cookies.map((cookie) => cookie.split(';')[0]).join('; ');
}

export function tail(text: string, lines: number): string {
	return text.split('\n').slice(-lines).join('\n');
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
