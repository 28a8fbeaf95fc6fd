/**
 * n8n in queue mode on one machine, the way a scaled-out deployment runs it: Postgres (n8n's database, and the
 * `database` binary data mode), Redis (the execution queue), one main (`n8n start`: editor, webhooks, triggers)
 * and workers (`n8n worker`: executions), every n8n process loading this package. Used by `npm run start:queue`
 * and the queue-mode e2e suite; n8n processes themselves start through scripts/lib/n8n.ts.
 *
 * Postgres and Redis are Debian's packages (`apt-get install` when missing). Each run gets its own ports and data
 * folders under the temp folder and runs them as an unprivileged user (`postgres`/`redis` when this process is
 * root), so parallel runs and a system-wide Postgres or Redis do not clash.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	ensureOwner,
	freePort,
	killGroup,
	n8nEnv,
	publishWorkflows,
	runN8nCli,
	sleep,
	startN8nServer,
	startN8nWorker,
	tail,
	track,
	type CliResult,
	type N8nServer,
	type N8nWorker,
} from './n8n';

type Log = (message: string) => void;

// ---------- the Debian packages ----------

/** The newest `/usr/lib/postgresql/<major>/bin` that has a server binary. */
export function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const majors = readdirSync(root)
		.filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return majors.length ? join(root, majors[0]!, 'bin') : undefined;
}

function onPath(command: string): boolean {
	return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Installs Postgres and Redis from the distribution when either is missing (root, or passwordless sudo). */
export function ensureServicePackages(log: Log = () => undefined): void {
	const missing: string[] = [];
	if (!postgresBinDir()) missing.push('postgresql');
	if (!onPath('redis-server')) missing.push('redis-server');
	if (missing.length === 0) return;
	const root = process.getuid?.() === 0;
	const prefix = root ? [] : ['sudo', '-n'];
	log(`• Installing ${missing.join(' and ')} with apt-get (first run on this machine)...`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const run = (args: string[]) => {
		const [command, ...rest] = [...prefix, ...args];
		const result = spawnSync(command!, rest, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
		if (result.status !== 0) {
			throw new Error(
				`${args.join(' ')} failed (exit ${result.status}${root ? '' : '; without root this needs passwordless sudo'}):\n${tail(String(result.stdout) + String(result.stderr), 30)}`,
			);
		}
	};
	run(['apt-get', 'update', '-qq']);
	run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
	if (!postgresBinDir() || !onPath('redis-server')) throw new Error(`apt-get installed ${missing.join(', ')} but the binaries are still missing`);
}

/** uid/gid to run a service as: the named system user when this process is root, else this process's own. */
function serviceUser(name: string): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	for (const candidate of [name, 'postgres', 'nobody']) {
		const uid = spawnSync('id', ['-u', candidate], { encoding: 'utf8' });
		const gid = spawnSync('id', ['-g', candidate], { encoding: 'utf8' });
		if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
	}
	throw new Error(`No unprivileged user to run ${name} as (tried ${name}, postgres, nobody)`);
}

interface Service {
	child: ChildProcess;
	log(): string;
	stop(): Promise<void>;
}

function spawnService(command: string, args: string[], user: { uid: number; gid: number } | undefined, what: string): Service {
	const child = spawn(command, args, {
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { PATH: process.env.PATH, LANG: 'C.UTF-8', TZ: 'UTC' },
		...(user ?? {}),
	});
	track(child);
	let output = '';
	const keep = (chunk: Buffer) => {
		output = (output + chunk.toString()).slice(-200_000);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	let exited = false;
	const closed = new Promise<void>((resolveClose) => child.on('close', () => ((exited = true), resolveClose())));
	child.on('error', (error) => keep(Buffer.from(`\n${what}: ${error.message}\n`)));
	return {
		child,
		log: () => output,
		stop: async () => {
			if (exited) return;
			// Postgres: SIGINT is its fast shutdown; Redis exits on it too.
			killGroup(child, 'SIGINT');
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
			await closed;
			clearTimeout(timer);
		},
	};
}

// ---------- Postgres ----------

export interface Postgres {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	dataDir: string;
	/** Runs SQL through psql; returns its unaligned, tuples-only output. */
	query(sql: string): string;
	/** Runs a query that returns one JSON value (e.g. `SELECT json_agg(t) FROM (...) t`). */
	queryJson<T>(sql: string): T;
	stop(): Promise<void>;
}

export interface PostgresOptions {
	port?: number;
	/** Keep the data here across runs (the demo); default: a fresh folder under the temp folder, removed on stop. */
	dataDir?: string;
	database?: string;
}

type ServiceUser = ReturnType<typeof serviceUser>;
type Psql = (sql: string, db?: string) => CliResult & { ok: boolean };

export async function startPostgres(options: PostgresOptions = {}): Promise<Postgres> {
	const bin = postgresBinDir();
	if (!bin) throw new Error('Postgres is not installed (ensureServicePackages installs it)');
	const user = serviceUser('postgres');
	const port = options.port ?? (await freePort());
	const database = options.database ?? 'n8n';
	const persistent = options.dataDir !== undefined;
	const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'udf-pg-'));
	initDataDir(bin, dataDir, user);
	const server = spawnPostgres(bin, dataDir, port, user);
	const psql = psqlOn(bin, port, database);
	await waitForPostgres(server, psql, port);
	if (psql(`SELECT 1 FROM pg_database WHERE datname = '${database}'`, 'postgres').stdout.trim() !== '1') {
		const created = psql(`CREATE DATABASE "${database}"`, 'postgres');
		if (!created.ok) throw new Error(`CREATE DATABASE ${database} failed: ${created.stderr}`);
	}
	const query = (sql: string) => {
		const result = psql(sql);
		if (!result.ok) throw new Error(`psql failed: ${result.stderr}\nSQL: ${sql}`);
		return result.stdout.trim();
	};
	return {
		host: '127.0.0.1',
		port,
		database,
		user: 'postgres',
		// Local trust authentication: n8n still wants a password setting.
		password: 'postgres',
		dataDir,
		query,
		queryJson: <T>(sql: string) => JSON.parse(query(sql) || 'null') as T,
		stop: async () => {
			await server.stop();
			if (!persistent) rmSync(dataDir, { recursive: true, force: true });
		},
	};
}

/** Makes `dataDir` a Postgres cluster (initdb) unless it already is one, owned by the service user. */
function initDataDir(bin: string, dataDir: string, user: ServiceUser): void {
	mkdirSync(dataDir, { recursive: true });
	if (user) chownSync(dataDir, user.uid, user.gid);
	if (existsSync(join(dataDir, 'PG_VERSION'))) return;
	const init = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
		encoding: 'utf8',
		env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
		...(user ?? {}),
	});
	if (init.status !== 0) throw new Error(`initdb failed (exit ${init.status}):\n${tail(init.stdout + init.stderr, 20)}`);
}

function spawnPostgres(bin: string, dataDir: string, port: number, user: ServiceUser): Service {
	return spawnService(
		join(bin, 'postgres'),
		[
			'-D', dataDir,
			'-p', String(port),
			// Its socket in its own folder: /var/run/postgresql may not be writable, and another server may use it.
			'-k', dataDir,
			'-c', 'listen_addresses=127.0.0.1',
			// A throwaway test database: durability is not wanted, speed is.
			'-c', 'fsync=off',
			'-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off',
			'-c', 'max_connections=200',
		],
		user,
		'postgres',
	);
}

/** Runs SQL through psql against the server on `port` (database `db`, default `database`). */
function psqlOn(bin: string, port: number, database: string): Psql {
	return (sql, db = database) => {
		const started = Date.now();
		const result = spawnSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
			encoding: 'utf8',
			maxBuffer: 256 * 1024 * 1024,
			env: { PATH: process.env.PATH, LANG: 'C.UTF-8', PGCONNECT_TIMEOUT: '5' },
		});
		return { ok: result.status === 0, exitCode: result.status, stdout: result.stdout, stderr: result.stderr, durationMs: Date.now() - started, timedOut: false };
	};
}

/** Polls until the server answers (30 s); stops it and throws with its log if it exits or never answers. */
async function waitForPostgres(server: Service, psql: Psql, port: number): Promise<void> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (psql('SELECT 1', 'postgres').ok) return;
		if (server.child.exitCode !== null || Date.now() > deadline) {
			await server.stop();
			throw new Error(`Postgres did not come up on port ${port}:\n${tail(server.log(), 30)}`);
		}
		await sleep(200);
	}
}

// ---------- Redis ----------

export interface Redis {
	host: string;
	port: number;
	stop(): Promise<void>;
}

function redisPing(port: number): Promise<boolean> {
	return new Promise((resolvePing) => {
		const socket = connect(port, '127.0.0.1');
		let answer = '';
		socket.setTimeout(1000, () => (socket.destroy(), resolvePing(false)));
		socket.on('error', () => resolvePing(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString();
			if (answer.includes('\r\n')) {
				socket.end();
				resolvePing(answer.startsWith('+PONG'));
			}
		});
	});
}

export async function startRedis(options: { port?: number } = {}): Promise<Redis> {
	const port = options.port ?? (await freePort());
	const user = serviceUser('redis');
	const dir = mkdtempSync(join(tmpdir(), 'udf-redis-'));
	if (user) chownSync(dir, user.uid, user.gid);
	// No persistence: the queue of a test or demo run does not outlive it.
	const server = spawnService(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
		user,
		'redis-server',
	);
	const deadline = Date.now() + 15_000;
	while (!(await redisPing(port))) {
		if (server.child.exitCode !== null || Date.now() > deadline) {
			await server.stop();
			throw new Error(`Redis did not come up on port ${port}:\n${tail(server.log(), 30)}`);
		}
		await sleep(100);
	}
	return {
		host: '127.0.0.1',
		port,
		stop: async () => {
			await server.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

// ---------- the n8n deployment ----------

export type BinaryDataMode = 'database' | 'filesystem';

export interface QueueOptions {
	bin: string;
	/** Where the n8n user folders (one per process) and the shared binary data folder go. */
	workDir: string;
	/** The built package every process loads (N8N_CUSTOM_EXTENSIONS). */
	packageDir?: string;
	/** Worker processes (default 2). 0: no queue at all, the main runs every execution itself (n8n's regular mode, on
	 * the same Postgres) — the one-process baseline to compare queue mode against. */
	workers?: number;
	/** Executions each worker runs at once (`n8n worker --concurrency`). */
	concurrency?: number;
	/** Editor/webhook port of the main (default: a free one). */
	mainPort?: number;
	/**
	 * n8n's binary data mode for every process. Queue mode defaults to `database`; `filesystem` needs one folder
	 * all processes share (here: `<workDir>/binary-data`).
	 */
	binaryDataMode?: BinaryDataMode;
	fileAccessDirs?: string[];
	/** Extra variables for every n8n process. */
	extra?: Record<string, string>;
	/** Extra variables for the main only (e.g. WEBHOOK_URL). */
	mainExtra?: Record<string, string>;
	postgres?: PostgresOptions;
	/** Mirror n8n's output to this terminal, each line prefixed with the process name. */
	echo?: boolean;
	log?: Log;
}

/**
 * Postgres + Redis up, the n8n environment for every role, and the n8n processes once `start()` is called (import
 * credentials and workflows through `cli()` before; publish the workflows with a trigger after, with `publish()`).
 */
export class QueueDeployment {
	main: N8nServer | undefined;
	readonly workers: N8nWorker[] = [];
	readonly encryptionKey = randomBytes(24).toString('base64url');
	mainPort = 0;

	private constructor(
		readonly options: QueueOptions,
		readonly postgres: Postgres,
		readonly redis: Redis,
	) {}

	static async create(options: QueueOptions): Promise<QueueDeployment> {
		ensureServicePackages(options.log);
		const [postgres, redis] = await Promise.all([startPostgres(options.postgres), startRedis()]);
		const deployment = new QueueDeployment(options, postgres, redis);
		deployment.mainPort = options.mainPort ?? (await freePort());
		mkdirSync(deployment.binaryDataDir, { recursive: true });
		return deployment;
	}

	get binaryDataDir(): string {
		return join(this.options.workDir, 'binary-data');
	}

	get url(): string {
		return `http://127.0.0.1:${this.mainPort}`;
	}

	/** The variables every n8n process of the deployment shares (no secrets of the package in there). */
	sharedVariables(): Record<string, string> {
		const { postgres, redis } = this;
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: postgres.password,
			EXECUTIONS_MODE: this.options.workers === 0 ? 'regular' : 'queue',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// All processes must decrypt the same credentials.
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_DEFAULT_BINARY_DATA_MODE: this.options.binaryDataMode ?? 'database',
			// Filesystem mode only works in queue mode when main and workers see the same folder. (n8n 2.x names it
			// N8N_STORAGE_PATH; N8N_BINARY_DATA_STORAGE_PATH is deprecated.)
			N8N_STORAGE_PATH: this.binaryDataDir,
			...this.options.extra,
		};
	}

	/** The environment of one process: `main`, `worker-<n>`, or `cli` (import/update commands). */
	async env(role: string, port?: number): Promise<NodeJS.ProcessEnv> {
		return n8nEnv({
			userFolder: join(this.options.workDir, `n8n-${role}`),
			brokerPort: await freePort(),
			port,
			packageDir: this.options.packageDir,
			fileAccessDirs: this.options.fileAccessDirs,
			extra: { ...this.sharedVariables(), ...(role === 'main' ? this.options.mainExtra : {}) },
		});
	}

	/** One n8n CLI command against the deployment's database. */
	async cli(args: string[], timeoutMs = 180_000): Promise<CliResult> {
		return await runN8nCli(this.options.bin, args, await this.env('cli'), timeoutMs);
	}

	async cliOrThrow(args: string[], timeoutMs = 180_000): Promise<CliResult> {
		const result = await this.cli(args, timeoutMs);
		if (result.exitCode !== 0 || result.timedOut) {
			throw new Error(`n8n ${args.join(' ')} failed (exit ${result.exitCode}${result.timedOut ? ', timed out' : ''}):\n${tail(result.stdout + result.stderr, 30)}`);
		}
		return result;
	}

	async importCredentials(credentials: unknown[]): Promise<void> {
		const file = join(this.options.workDir, `credentials-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(credentials));
		try {
			await this.cliOrThrow(['import:credentials', `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
	}

	async importWorkflows(workflows: unknown[]): Promise<void> {
		const file = join(this.options.workDir, `workflows-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(workflows));
		await this.cliOrThrow(['import:workflow', `--input=${file}`]);
	}

	/** Publishes imported workflows on the running main (n8n's REST API, as its owner). */
	async publish(workflowIds: string[]): Promise<void> {
		await publishWorkflows(this.url, await ensureOwner(this.url), workflowIds);
	}

	/** Main and workers, started side by side (each n8n start costs seconds). */
	async start(): Promise<void> {
		await Promise.all([this.startMain(), this.startWorkers()]);
	}

	async startMain(): Promise<N8nServer> {
		if (this.main && this.main.child.exitCode === null && this.main.child.signalCode === null) return this.main;
		this.main = await startN8nServer({
			bin: this.options.bin,
			env: await this.env('main', this.mainPort),
			port: this.mainPort,
			echo: this.options.echo,
			echoPrefix: '[main] ',
		});
		return this.main;
	}

	async startWorkers(): Promise<N8nWorker[]> {
		const count = this.options.workers ?? 2;
		const started = await Promise.all(
			Array.from({ length: count - this.workers.length }, async (_, offset) => {
				const name = `worker-${this.workers.length + offset + 1}`;
				return await startN8nWorker({
					bin: this.options.bin,
					env: await this.env(name),
					healthPort: await freePort(),
					concurrency: this.options.concurrency,
					echo: this.options.echo,
					echoPrefix: `[${name}] `,
				});
			}),
		);
		this.workers.push(...started);
		return this.workers;
	}

	/** Fresh worker processes (a clean memory baseline for a measurement). */
	async restartWorkers(): Promise<N8nWorker[]> {
		await Promise.all(this.workers.splice(0).map((worker) => worker.stop()));
		return await this.startWorkers();
	}

	async stop(): Promise<void> {
		await Promise.all([this.main?.stop(), ...this.workers.map((worker) => worker.stop())]);
		await Promise.all([this.postgres.stop(), this.redis.stop()]);
	}
}
