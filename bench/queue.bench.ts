/**
 * n8n queue mode (`npm run bench -- queue`), against the emulator in a child process, with scripts/lib/queue.ts
 * (Postgres and Redis from Debian, n8n 2.8.4 unless N8N_VERSION):
 *
 * 1. Fan-out throughput: BENCH_QUEUE_ITEMS (1,000) webhook calls, 20 in flight, each an execution whose Send print
 *    queues the same job on one of the clusters (round-robin) — on a main + 2 workers (concurrency 10 each) and on
 *    one n8n process in regular mode on the same Postgres. Each answers once its execution has finished; the run
 *    checks that the emulator then holds exactly that many prints. BENCH_QUEUE_ROUNDS (3) rounds per setup.
 * 2. Worker memory for one upload, per binary data mode (database, filesystem on a folder all processes share) and
 *    size (BENCH_QUEUE_UPLOAD_MIB, default 100,400): a file posted (multipart) to a webhook on the main, then on the
 *    worker: a No-Op; n8n's Write to Disk (n8n's own read of the binary); this node's Upload job; n8n's HTTP Request
 *    node PUT of the binary (its defaults) to an upload URL registered beforehand. Each measurement on a freshly
 *    started worker (one worker, so it is the one that runs it): growth = VmHWM after − VmRSS before (peak reset
 *    with /proc/<pid>/clear_refs). BENCH_QUEUE_UPLOAD_ROUNDS (3) rounds. In database mode n8n cannot read back a
 *    binary over 256 MiB (its Postgres driver fails and the read never settles), so only the No-Op and this node
 *    (which refuses at once) run there.
 * BENCH_QUEUE_PARTS=fanout or =upload runs one part. Prints Markdown tables; raw figures: .bench/queue.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { EmulatorClient } from '../emulator/client';
import { DIST_DIR, locateN8n, waitForWebhook } from '../scripts/lib/n8n';
import { ensureServicePackages, QueueDeployment, startPostgres, type BinaryDataMode } from '../scripts/lib/queue';
import { DATABASE_MODE_MAX_READ_BYTES } from '../nodes/UltimakerDigitalFactory/core/upload/plan';
import { apiCredential, webhookWorkflow, type Workflow } from '../scripts/lib/workflows';
import { writeGcodeFile } from '../test/fixtures/gcode';
import { startEmulatorChild } from './lib/emulatorChild';

const ROOT = join(__dirname, '..');
const MiB = 1024 * 1024;
const TOKEN = 'umapi-emulator-token-0001|main';
const ITEMS = Number(process.env.BENCH_QUEUE_ITEMS ?? 1000);
const ROUNDS = Number(process.env.BENCH_QUEUE_ROUNDS ?? 3);
const UPLOAD_MIB = (process.env.BENCH_QUEUE_UPLOAD_MIB ?? '100,400').split(',').map(Number);
const UPLOAD_ROUNDS = Number(process.env.BENCH_QUEUE_UPLOAD_ROUNDS ?? 3);
const PARTS = (process.env.BENCH_QUEUE_PARTS ?? 'fanout,upload,read').split(',');
const IN_FLIGHT = 20;
const CREDENTIAL = { id: 'udfBenchQueueCred', name: 'Bench emulator' };


const udf = (parameters: Record<string, unknown>) => ({
	type: 'CUSTOM.ultimakerDigitalFactory',
	typeVersion: 1,
	parameters,
	credentials: { ultimakerDigitalFactoryApi: { ...CREDENTIAL } },
});

function workflows(outDir: string): Workflow[] {
	return [
		webhookWorkflow('benchQueueSend01', 'b-send', {
			id: 'send',
			name: 'Send print',
			position: [0, 0],
			...udf({ resource: 'print', operation: 'send', clusterId: { __rl: true, mode: 'id', value: '={{ $json.body.clusterId }}' }, jobId: '={{ $json.body.jobId }}' }),
		}),
		webhookWorkflow('benchQueueNoOp01', 'b-noop', { id: 'noop', name: 'No-Op', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [0, 0], parameters: {} }),
		webhookWorkflow('benchQueueDisk01', 'b-disk', {
			id: 'disk',
			name: 'Write to disk',
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1,
			position: [0, 0],
			parameters: { operation: 'write', fileName: join(outDir, 'written.bin'), dataPropertyName: 'file', options: {} },
		}),
		webhookWorkflow('benchQueueUpload', 'b-upload', { id: 'upload', name: 'Upload job', position: [0, 0], ...udf({ resource: 'job', operation: 'upload', binaryPropertyName: 'file' }) }),
		webhookWorkflow('benchQueueHttpPut', 'b-http', {
			id: 'http',
			name: 'HTTP PUT',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [0, 0],
			parameters: { method: 'PUT', url: '={{ $json.body.uploadUrl }}', sendBody: true, contentType: 'binaryData', inputDataFieldName: 'file', options: {} },
		}),
	];
}

async function deployment(options: { mode: BinaryDataMode; workers: number; apiUrl: string }): Promise<QueueDeployment> {
	const workDir = mkdtempSync(join(tmpdir(), 'udf-bench-queue-'));
	const queue = await QueueDeployment.create({
		bin: locateN8n(),
		workDir,
		packageDir: DIST_DIR,
		workers: options.workers,
		concurrency: 10,
		binaryDataMode: options.mode,
		fileAccessDirs: [workDir],
		extra: { N8N_FORMDATA_FILE_SIZE_MAX: '1024' },
	});
	await queue.importCredentials([apiCredential(CREDENTIAL, options.apiUrl, TOKEN)]);
	const all = workflows(workDir);
	await queue.importWorkflows(all);
	await queue.start();
	await queue.publish(all.map((workflow) => workflow.id));
	for (const path of ['b-send', 'b-upload']) await waitForWebhook(queue.main!, path, 120_000);
	return queue;
}

async function stopDeployment(queue: QueueDeployment): Promise<void> {
	await queue.stop();
	rmSync(queue.options.workDir, { recursive: true, force: true });
}

// ---------- 1. fan-out ----------

async function fanOut(queue: QueueDeployment, emulator: EmulatorClient): Promise<{ seconds: number; p50: number; p99: number; prints: number; failed: number }> {
	await emulator.reset();
	const clusters = (await emulator.clusters()).map((cluster) => cluster.cluster_id as string);
	for (const cluster of clusters) await emulator.updateCluster(cluster, { queue_limit: 1_000_000 });
	const jobId = await emulator.uploadJob('fan-out.gcode', ';FLAVOR:Griffin\n;PRINT.TIME:600\nG28\n');
	const latencies: number[] = [];
	let failed = 0;
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: IN_FLIGHT }, async () => {
			while (next < ITEMS) {
				const index = next++;
				const sent = performance.now();
				const response = await fetch(`${queue.url}/webhook/b-send`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ clusterId: clusters[index % clusters.length], jobId }),
				}).catch(() => undefined);
				const body = response ? ((await response.json().catch(() => ({}))) as { status?: string }) : {};
				if (body.status !== 'queued') failed++;
				latencies.push(performance.now() - sent);
			}
		}),
	);
	const seconds = (performance.now() - started) / 1000;
	const state = await emulator.state();
	const prints = state.clusters.reduce((sum, cluster) => sum + cluster.print_jobs.filter((job) => job.cloud_job_id === jobId).length, 0);
	latencies.sort((a, b) => a - b);
	return { seconds, p50: latencies[Math.floor(latencies.length / 2)]!, p99: latencies[Math.floor(latencies.length * 0.99)]!, prints, failed };
}

// ---------- 2. upload memory ----------

function vm(pid: number, field: 'VmHWM' | 'VmRSS'): number {
	return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
}

function curlPost(url: string, path: string, fields: string[], timeoutSeconds: number): Promise<{ status: string; body: string }> {
	return new Promise((resolve) => {
		const child = spawn('curl', ['-sS', '-m', String(timeoutSeconds), '-F', `file=@${path};type=text/plain`, ...fields.flatMap((field) => ['-F', field]), '-w', '\n%{http_code}', url]);
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.on('close', () => {
			const lines = out.trimEnd().split('\n');
			resolve({ status: lines.pop() ?? '', body: lines.join('\n') });
		});
	});
}

type Kind = 'noop' | 'disk' | 'upload' | 'http';
const KIND_LABEL: Record<Kind, string> = {
	noop: 'No-Op (receiving only)',
	disk: "n8n's Write to Disk (n8n reads the binary)",
	upload: 'this node: Upload job',
	http: "n8n's HTTP Request PUT (defaults)",
};

async function uploadOnce(queue: QueueDeployment, emulator: EmulatorClient, kind: Kind, file: { path: string; size: number }): Promise<{ growth: number; before: number; ms: number; outcome: string }> {
	const [worker] = await queue.restartWorkers();
	const pid = worker!.child.pid!;
	await new Promise((resolve) => setTimeout(resolve, 1000));
	writeFileSync(`/proc/${pid}/clear_refs`, '5');
	const before = vm(pid, 'VmRSS');
	const fields: string[] = [];
	if (kind === 'http') {
		const slot = await emulator.registerJob({ job_name: 'http.gcode', file_size: file.size, content_type: 'text/plain' });
		fields.push(`uploadUrl=${slot.upload_url}`);
	}
	const started = performance.now();
	const answer = await curlPost(`${queue.url}/webhook/b-${kind}`, file.path, fields, 300);
	const ms = performance.now() - started;
	const growth = vm(pid, 'VmHWM') - before;
	let outcome = `HTTP ${answer.status}`;
	try {
		const json = JSON.parse(answer.body) as { status?: string; message?: string };
		if (kind === 'upload') outcome = json.status ?? json.message ?? outcome;
	} catch {
		// not JSON: keep the HTTP status
	}
	return { growth, before, ms, outcome };
}

/**
 * The files to measure in one mode. In database mode n8n cannot read back a binary over
 * DATABASE_MODE_MAX_READ_BYTES, so a bigger size runs only the No-Op and this node (which refuses it at once), and
 * the largest size that can be read runs every kind instead.
 */
function uploadSizes(mode: BinaryDataMode): Array<{ label: string; bytes: number; kinds: Kind[] }> {
	const all: Kind[] = ['noop', 'disk', 'upload', 'http'];
	const sizes: Array<{ label: string; bytes: number; kinds: Kind[] }> = [];
	for (const sizeMiB of UPLOAD_MIB) {
		const bytes = sizeMiB * MiB;
		if (mode !== 'database' || bytes <= DATABASE_MODE_MAX_READ_BYTES) {
			sizes.push({ label: `${sizeMiB} MiB`, bytes, kinds: all });
			continue;
		}
		sizes.push({ label: `${sizeMiB} MiB (over the read limit)`, bytes, kinds: ['noop', 'upload'] });
		if (!sizes.some((size) => size.bytes === DATABASE_MODE_MAX_READ_BYTES)) {
			sizes.push({ label: `${DATABASE_MODE_MAX_READ_BYTES.toLocaleString('en')} B (the largest readable)`, bytes: DATABASE_MODE_MAX_READ_BYTES, kinds: all });
		}
	}
	return sizes;
}

const fmt = (value: number, digits = 0) => value.toFixed(digits);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[], digits = 0) => `${fmt(median(values), digits)} (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})`;

// ---------- 3. n8n's read of a database binary, alone ----------

/** The Node that runs this n8n and the folder of its `n8n` package (the 2.41.1 install is a wrapper script on Node 24). */
function n8nRuntime(bin: string): { node: string; n8nDir: string } {
	const wrapped = /exec "([^"]+)" "([^"]+)\/bin\/n8n"/.exec(readFileSync(bin, 'utf8'));
	if (wrapped) return { node: wrapped[1]!, n8nDir: wrapped[2]! };
	return { node: process.execPath, n8nDir: dirname(dirname(realpathSync(bin))) };
}

interface ReadResult {
	node?: string;
	pg?: string;
	bytes?: number;
	ms?: number;
	peakGrowth?: number;
	rssAfter?: number;
	allocations?: Array<{ via: string; by: string; mib: number }>;
	error?: string;
}

/** One `SELECT data` of a bytea of `bytes` through this n8n's own `pg`, in a fresh process on n8n's Node (bench/lib/byteaRead.js). */
function readOnce(postgres: { host: string; port: number; user: string; database: string }, bytes: number, id: number): ReadResult {
	const { node, n8nDir } = n8nRuntime(locateN8n());
	const typeorm = join(n8nDir, '..', '@n8n', 'typeorm');
	const result = spawnSync(node, ['--expose-gc', join(__dirname, 'lib', 'byteaRead.js')], {
		encoding: 'utf8',
		timeout: 120_000,
		env: {
			PATH: process.env.PATH,
			PGHOST: postgres.host,
			PGPORT: String(postgres.port),
			PGUSER: postgres.user,
			PGDATABASE: postgres.database,
			BYTEA_PG_FROM: existsSync(typeorm) ? typeorm : n8nDir,
			BYTEA_SQL: `SELECT data FROM blob WHERE id = ${id}`,
		},
	});
	const line = result.stdout.trim().split('\n').pop() ?? '';
	try {
		return JSON.parse(line) as ReadResult;
	} catch {
		const why = result.error ? `${result.error.message}` : `exit ${result.status ?? result.signal}`;
		return { bytes, error: `${why}: ${(result.stderr || result.stdout).trim().split('\n').filter((text) => /Error|string/.test(text)).slice(0, 2).join(' ')}` };
	}
}

/** The allocations of one read, grouped by who made them: `pg-protocol/dist/parser.js: 12 buffers, 511 MiB in all, largest 256 MiB`. */
function allocationSummary(result: ReadResult): string {
	const groups = new Map<string, number[]>();
	for (const entry of result.allocations ?? []) {
		const key = `${entry.by} (${entry.via})`;
		groups.set(key, [...(groups.get(key) ?? []), entry.mib]);
	}
	return [...groups]
		.map(([key, sizes]) => `${key}: ${sizes.length} × ≥ 1 MiB, ${fmt(sizes.reduce((sum, size) => sum + size, 0))} MiB in all, largest ${fmt(Math.max(...sizes))} MiB`)
		.join('; ');
}

/** One part's result: its raw figures (for .bench/queue.json) and its Markdown table. */
interface Part {
	raw: unknown;
	table: string;
}

async function fanOutPart(emulator: EmulatorClient, apiUrl: string): Promise<Part> {
	const rows: string[] = [];
	const raw: Record<string, unknown> = {};
	for (const [label, workers] of [
		['queue mode: main + 2 workers (concurrency 10 each)', 2],
		['one process (regular mode, same Postgres)', 0],
	] as const) {
		const queue = await deployment({ mode: 'database', workers, apiUrl });
		try {
			const runs = [];
			for (let round = 0; round < ROUNDS; round++) runs.push(await fanOut(queue, emulator));
			raw[label] = runs;
			const rates = runs.map((run) => ITEMS / run.seconds);
			rows.push(
				`| ${label} | ${runs.map((run) => fmt(run.seconds, 1)).join(' / ')} | ${spread(rates, 1)} | ${spread(runs.map((run) => run.p50))} / ${spread(runs.map((run) => run.p99))} | ${runs.map((run) => run.prints).join(' / ')} | ${runs.reduce((sum, run) => sum + run.failed, 0)} |`,
			);
		} finally {
			await stopDeployment(queue);
		}
	}
	return {
		raw,
		table: `**Fan-out**: ${ITEMS} webhook executions (Send print, one item each), ${IN_FLIGHT} in flight, ${ROUNDS} rounds\n\n| setup | seconds per round | executions/s: median (min–max) | latency p50 / p99 ms: median (min–max) | prints queued per round | failed answers |\n|---|---|---|---|---|---|\n${rows.join('\n')}`,
	};
}

async function uploadPart(emulator: EmulatorClient, apiUrl: string): Promise<Part> {
	const rows: string[] = [];
	const raw: Record<string, unknown> = {};
	for (const mode of ['database', 'filesystem'] as const) {
		const queue = await deployment({ mode, workers: 1, apiUrl });
		try {
			for (const size of uploadSizes(mode)) {
				const file = await writeGcodeFile({ sizeBytes: size.bytes, dir: queue.options.workDir, fileName: `upload-${size.bytes}.gcode` });
				const measured: Record<string, Array<Awaited<ReturnType<typeof uploadOnce>>>> = {};
				for (let round = 0; round < UPLOAD_ROUNDS; round++) {
					for (const kind of size.kinds) (measured[kind] ??= []).push(await uploadOnce(queue, emulator, kind, file));
				}
				raw[`${mode} ${size.bytes}`] = measured;
				for (const kind of size.kinds) rows.push(uploadRow(mode, size, kind, measured[kind]!));
				file.cleanup();
			}
		} finally {
			await stopDeployment(queue);
		}
	}
	return {
		raw,
		table: `**Worker memory per upload** (fresh worker each time; ${UPLOAD_ROUNDS} rounds)\n\n| binary data mode | file | on the worker | peak RSS growth MiB per round | × the file: median (min–max) | worker RSS before (MiB) | webhook answered after s | outcome |\n|---|---|---|---|---|---|---|---|\n${rows.join('\n')}`,
	};
}

function uploadRow(mode: BinaryDataMode, size: { label: string; bytes: number }, kind: Kind, list: Array<Awaited<ReturnType<typeof uploadOnce>>>): string {
	const growth = list.map((run) => run.growth / MiB);
	return `| ${mode} | ${size.label} | ${KIND_LABEL[kind]} | ${growth.map((value) => fmt(value)).join(' / ')} | ${spread(growth.map((value) => (value * MiB) / size.bytes), 2)} | ${fmt(median(list.map((run) => run.before)) / MiB)} | ${spread(list.map((run) => run.ms / 1000), 1)} | ${[...new Set(list.map((run) => run.outcome))].join(', ')} |`;
}

async function readPart(): Promise<Part> {
	ensureServicePackages();
	const postgres = await startPostgres();
	const rows: string[] = [];
	const raw: Record<string, ReadResult[]> = {};
	try {
		postgres.query('CREATE TABLE blob (id int PRIMARY KEY, data bytea)');
		const sizes = [...new Set([...UPLOAD_MIB.map((size) => size * MiB).filter((bytes) => bytes <= DATABASE_MODE_MAX_READ_BYTES), DATABASE_MODE_MAX_READ_BYTES, DATABASE_MODE_MAX_READ_BYTES + 1])];
		for (const [index, bytes] of sizes.entries()) {
			// Any byte value reads back as two hex characters, so the content does not matter: 'G' repeated.
			postgres.query(`INSERT INTO blob VALUES (${index}, decode(repeat('47', ${bytes}), 'hex'))`);
			const runs = Array.from({ length: bytes > DATABASE_MODE_MAX_READ_BYTES ? 1 : UPLOAD_ROUNDS }, () => readOnce(postgres, bytes, index));
			postgres.query(`DELETE FROM blob WHERE id = ${index}`);
			raw[String(bytes)] = runs;
			const ok = runs.filter((run) => !run.error);
			const growth = ok.map((run) => run.peakGrowth! / MiB);
			rows.push(
				`| ${bytes.toLocaleString('en')} B | ${ok.length ? growth.map((value) => fmt(value)).join(' / ') : '—'} | ${ok.length ? spread(growth.map((value) => (value * MiB) / bytes), 2) : '—'} | ${ok.length ? spread(ok.map((run) => run.rssAfter! / MiB)) : '—'} | ${ok.length ? allocationSummary(ok[0]!) : runs.map((run) => run.error).join('; ')} |`,
			);
		}
	} finally {
		await postgres.stop();
	}
	const first = Object.values(raw).flat().find((run) => run.node);
	return {
		raw,
		table: `**n8n's read of one database binary, alone** (\`SELECT data\` of a bytea through n8n's own pg ${first?.pg ?? '?'} on Node ${first?.node ?? '?'}, a fresh process per read; ${UPLOAD_ROUNDS} rounds)\n\n| bytea | peak RSS growth MiB per round | × the file: median (min–max) | still held after the read MiB | buffers of ≥ 1 MiB allocated during the read (first round), by module |\n|---|---|---|---|---|\n${rows.join('\n')}`,
	};
}

async function main(): Promise<void> {
	const { child, apiUrl } = await startEmulatorChild('queue-bench');
	const emulator = new EmulatorClient(apiUrl, TOKEN);
	const load = [loadavg()];
	const raw: Record<string, unknown> = {};
	const out: string[] = [];
	const parts: Array<[name: string, rawKey: string, run: () => Promise<Part>]> = [
		['fanout', 'fanOut', () => fanOutPart(emulator, apiUrl)],
		['upload', 'upload', () => uploadPart(emulator, apiUrl)],
		['read', 'read', () => readPart()],
	];
	try {
		for (const [name, rawKey, run] of parts) {
			if (!PARTS.includes(name)) continue;
			const part = await run();
			raw[rawKey] = part.raw;
			// The load average after each part that runs n8n (the read part does not).
			if (name !== 'read') load.push(loadavg());
			out.push(part.table);
		}
	} finally {
		child.kill('SIGTERM');
	}
	console.log(`Load average (1/5/15 min): ${load.map((value) => value.map((v) => v.toFixed(2)).join(' / ')).join(' → ')}\n`);
	for (const table of out) console.log(`${table}\n`);
	mkdirSync(join(ROOT, '.bench'), { recursive: true });
	writeFileSync(join(ROOT, '.bench', 'queue.json'), JSON.stringify({ at: new Date().toISOString(), load, items: ITEMS, raw }, null, 2));
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
