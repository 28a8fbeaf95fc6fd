/**
 * Local network upload (`npm run bench -- lanUpload`): the node's Upload and Print on the local network connection
 * (credential ultimakerLocalNetworkApi) next to `curl --digest -F` of the same file to the same printer API, same
 * emulator, same run, rounds interleaved.
 *
 * - The emulator runs in a CHILD process (its memory and CPU stay out of the figures); its local-network listener
 *   plays the printer group. One pairing (auth/request, then Allow pressed through the control API) serves both
 *   approaches; Digest with the listener's default algorithm (SHA-256), which curl 7.57+ answers too.
 * - node: the real `print` / `uploadAndSend` with `authentication: localNetwork` through the node's `execute` on
 *   n8n-core's real ExecuteContext, the file held by n8n-core's BinaryDataService in filesystem mode (the node
 *   streams it as multipart: owner, file). Time: the whole operation — the queue read before, the pairing check
 *   (`GET /api/v1/auth/verify`), the multipart POST, the queue read after. Memory: this process's RSS growth,
 *   sampled every 10 ms.
 * - curl: `curl -s -o /dev/null --digest -u <id>:<key> -F owner=n8n -F file=@<path> <lan>/cluster-api/v1/print_jobs/`,
 *   the upload alone (curl probes with an empty POST, takes the 401 challenge, then sends the body). Time: curl's
 *   own `time_total`. Memory: curl's peak RSS (VmHWM from /proc).
 *
 * - Largest size only, inside a real n8n (`n8n execute`, n8n 2.8.4 unless N8N_VERSION, filesystem binary data): a
 *   workflow Read file → this node (Upload and Print, local network credential). Time: the upload node's own
 *   `executionTime` in n8n's run data (the whole operation, as in-process). Memory: the n8n process's peak RSS
 *   (VmHWM) minus that of the same workflow with a No-Op in place of the upload. BENCH_LAN_UPLOAD_N8N=0 skips it.
 * - Largest size only, inside a RUNNING n8n (`n8n start`, as n8n is deployed): the same two workflows behind
 *   webhooks; each call waits BENCH_LAN_UPLOAD_IDLE_S (default 20) idle seconds first — V8 shrinks an idle
 *   process's heap, and a deployed n8n is idle between executions. Time: the upload node's `executionTime`
 *   (n8n's REST API). Memory: the server's peak RSS during the upload's call over its RSS just before, minus the
 *   same for the No-Op workflow called before it (bench/lib/runningN8n.ts).
 *
 * Sizes: BENCH_LAN_UPLOAD_SIZES_MIB (default 10,1024). Rounds: BENCH_LAN_UPLOAD_ROUNDS (default 5); the order of
 * the approaches rotates every round. BENCH_LAN_UPLOAD_PROFILE=1 also records a CPU profile of one node run of the
 * largest file (.bench/lanUpload-node.cpuprofile; its heaviest functions are printed). Raw: .bench/lanUpload.json.
 * The emulator reads a LAN upload's multipart body as it streams in (emulator/multipart.ts) and answers as soon as
 * the closing boundary has arrived, as a printer writing it to disk would; it does not throttle to a network's
 * speed, so on this loopback the clients' own cost per byte decides. One unmeasured curl upload per size warms
 * the emulator up first (its first large upload is slower, whoever sends it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

// With `.ts`: tsx would resolve `….node` to the codex file `….node.json` next to it.
import { UltimakerDigitalFactory } from '../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node.ts';
import { forgetSends } from '../nodes/UltimakerDigitalFactory/actions/print/owners';
import { writeGcodeFile } from '../test/fixtures/gcode';
import { runNode, storeBinary, type CredentialStore } from '../test/helpers/n8nContext';
import { LanClient } from '../emulator/client';
import { parseExecutionJson, runN8nCli, waitForWebhook, type N8nServer } from '../scripts/lib/n8n';
import { lanCredential, webhookTrigger, type Workflow } from '../scripts/lib/workflows';
import { N8nSandbox } from '../test/e2e/harness';
import { heaviest, profileCpu } from './lib/cpuProfile';
import { fmt, inProcess, median, runRounds, spread } from './lib/measure';
import { startEmulatorChild } from './lib/emulatorChild';
import { watchPeak } from './lib/peak';
import { newestRunOf, peakGrowthDuring } from './lib/runningN8n';

const ROOT = join(__dirname, '..');
const MiB = 1024 * 1024;
const SIZES_MIB = (process.env.BENCH_LAN_UPLOAD_SIZES_MIB ?? '10,1024').split(',').filter(Boolean).map(Number);
const ROUNDS = Number(process.env.BENCH_LAN_UPLOAD_ROUNDS ?? 5);
const PROFILE = process.env.BENCH_LAN_UPLOAD_PROFILE === '1';
const IN_N8N = process.env.BENCH_LAN_UPLOAD_N8N !== '0';
const NODE = 'this node: Upload and Print, local network (whole operation)';
const CURL = 'curl --digest -F (upload alone)';
const IN_N8N_NODE = 'n8n: Read file → this node (Upload and Print, local network; its executionTime)';
const RUNNING_N8N_NODE = 'running n8n (n8n start, webhook after idle): Read file → this node (its executionTime)';
const RUNNING_IDLE_S = Number(process.env.BENCH_LAN_UPLOAD_IDLE_S ?? 20);
/** The running n8n's two workflows: their ids and webhook paths. */
const RUNNING_HOOKS = {
	baseline: { workflowId: 'benchLanHookNoOp', path: 'bench-lan-noop' },
	upload: { workflowId: 'benchLanHookUpload', path: 'bench-lan-upload' },
};

type Binary = Awaited<ReturnType<typeof storeBinary>>;
type GcodeFile = Awaited<ReturnType<typeof writeGcodeFile>>;

interface Lan {
	url: string;
	client: LanClient;
	pairing: { id: string; key: string };
	credentials: CredentialStore;
}

interface Run {
	seconds: number;
	mibps: number;
	/** Bytes: this process's RSS growth (node), curl's peak RSS (curl), n8n's peak RSS over the No-Op run (n8n). */
	memory: number;
	/** Not measured inside n8n (its CPU is n8n's start-up as much as the upload). */
	cpuSeconds?: number;
	/** The emulator received one upload of exactly the file's bytes (and the node returned the queued job). */
	ok: boolean;
}

/** Whether the emulator's newest upload is `name` with exactly `bytes` bytes, and it is one more than `countBefore`. */
async function received(lan: Lan, countBefore: number, name: string, bytes: number): Promise<boolean> {
	const uploads = await lan.client.uploads();
	const last = uploads[uploads.length - 1];
	return uploads.length === countBefore + 1 && last?.name === name && last.bytes === bytes && last.owner === 'n8n';
}

const nodeParameters = { authentication: 'localNetwork', resource: 'print', operation: 'uploadAndSend', target: 'cluster' };

function runUploadAndPrint(lan: Lan, binary: Binary) {
	return runNode({
		nodeType: new UltimakerDigitalFactory(),
		parameters: nodeParameters,
		items: [{ json: {}, binary: { data: binary } }],
		credentials: lan.credentials,
	});
}

async function nodeUpload(lan: Lan, binary: Binary, file: GcodeFile): Promise<Run> {
	// Each run is a new workflow run: forget the print sends an earlier run of this process remembers.
	forgetSends();
	const countBefore = (await lan.client.uploads()).length;
	const run = await inProcess(() => runUploadAndPrint(lan, binary));
	const job = run.value[0]?.[0]?.json;
	const ok = typeof job?.uuid === 'string' && (await received(lan, countBefore, file.name.replace(/\.gcode$/, ''), file.size));
	return { seconds: run.seconds, mibps: file.size / MiB / run.seconds, memory: run.rssGrowth, cpuSeconds: run.cpuSeconds, ok };
}

async function curlUpload(lan: Lan, file: GcodeFile): Promise<Run> {
	const countBefore = (await lan.client.uploads()).length;
	const args = ['-s', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', '--digest', '-u', `${lan.pairing.id}:${lan.pairing.key}`];
	args.push('-F', 'owner=n8n', '-F', `file=@${file.path}`, `${lan.url}/cluster-api/v1/print_jobs/`);
	const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] });
	const watcher = watchPeak(child.pid!);
	let out = '';
	child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	const peak = watcher.stop();
	if (code !== 0) throw new Error(`curl failed with exit ${code}`);
	const [httpCode, time] = out.trim().split(' ');
	const seconds = Number(time);
	const ok = httpCode === '200' && (await received(lan, countBefore, file.name.replace(/\.gcode$/, ''), file.size));
	return { seconds, mibps: file.size / MiB / seconds, memory: peak.peakRss, cpuSeconds: peak.cpuSeconds, ok };
}

// ---------- inside a real n8n ----------

const N8N_CREDENTIAL = { id: 'udfBenchLanCred01', name: 'Bench emulator (local network)' };

const MANUAL_START: Workflow['nodes'][number] = { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

/** `start` → Read file → `last` (named Upload). */
function readFileThen(id: string, filePath: string, last: Workflow['nodes'][number], start = MANUAL_START): Workflow {
	const nodes: Workflow['nodes'] = [
		{ ...start, id: `${id}-${start.id}` },
		{ id: `${id}-read`, name: 'Read file', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, position: [200, 0], parameters: { operation: 'read', fileSelector: filePath, options: {} } },
		last,
	];
	const connections: Workflow['connections'] = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i]!.name] = { main: [[{ node: nodes[i + 1]!.name, type: 'main', index: 0 }]] };
	return { id, name: id, active: false, nodes, connections, settings: { executionOrder: 'v1' } };
}

const NO_OP: Workflow['nodes'][number] = { id: 'noop', name: 'Upload', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 0], parameters: {} };
const UPLOAD: Workflow['nodes'][number] = {
	id: 'udf',
	name: 'Upload',
	type: 'CUSTOM.ultimakerDigitalFactory',
	typeVersion: 1,
	position: [400, 0],
	parameters: nodeParameters,
	credentials: { ultimakerLocalNetworkApi: { ...N8N_CREDENTIAL } },
};

const IN_N8N_WORKFLOWS = {
	baseline: (path: string) => readFileThen('benchLanBaseline', path, NO_OP),
	upload: (path: string) => readFileThen('benchLanUploadN8n', path, UPLOAD),
	/** The same two behind webhooks, for the running n8n. */
	webhookBaseline: (path: string) => readFileThen(RUNNING_HOOKS.baseline.workflowId, path, NO_OP, webhookTrigger('hook', RUNNING_HOOKS.baseline.path)),
	webhookUpload: (path: string) => readFileThen(RUNNING_HOOKS.upload.workflowId, path, UPLOAD, webhookTrigger('hook', RUNNING_HOOKS.upload.path)),
};

/** One `n8n execute` of a workflow: the Upload node's executionTime, its first output item, and n8n's peak RSS. */
async function executeInN8n(sandbox: N8nSandbox, workflowId: string): Promise<{ seconds: number; peakRss: number; json: Record<string, unknown> }> {
	let watcher: ReturnType<typeof watchPeak> | undefined;
	const cli = await runN8nCli(sandbox.bin, ['execute', `--id=${workflowId}`, '--rawOutput'], await sandbox.env(), 600_000, (child) => {
		watcher = watchPeak(child.pid!);
	});
	const peak = watcher!.stop();
	const run = parseExecutionJson(cli.stdout)?.data?.resultData?.runData?.Upload?.[0];
	if (!run || run.error) throw new Error(`n8n execute ${workflowId}: ${run?.error?.message ?? 'no run data'}\n${cli.stdout.slice(-2000)}\n${cli.stderr.slice(-2000)}`);
	// Binary data of CLI executions stays in the sandbox: drop it so 1 GiB copies do not pile up.
	rmSync(join(sandbox.userFolder, '.n8n', 'storage'), { recursive: true, force: true });
	return { seconds: run.executionTime / 1000, peakRss: peak.peakRss, json: run.data?.main?.[0]?.[0]?.json ?? {} };
}

/** The node inside a real n8n, for one file: a No-Op run for the memory baseline, then the upload, per round. */
async function inN8nApproach(lan: Lan, file: GcodeFile, holder: SandboxHolder): Promise<() => Promise<Run>> {
	const sandbox = (holder.sandbox ??= N8nSandbox.create({ fileAccessDirs: [file.dir] }));
	await sandbox.importCredentials([lanCredential(N8N_CREDENTIAL, lan.url.replace(/^http:\/\//, ''), lan.pairing)]);
	await sandbox.importWorkflows([IN_N8N_WORKFLOWS.baseline(file.path), IN_N8N_WORKFLOWS.upload(file.path)]);
	return async () => {
		const base = await executeInN8n(sandbox, 'benchLanBaseline');
		const countBefore = (await lan.client.uploads()).length;
		const run = await executeInN8n(sandbox, 'benchLanUploadN8n');
		const ok = typeof run.json.uuid === 'string' && (await received(lan, countBefore, file.name.replace(/\.gcode$/, ''), file.size));
		return { seconds: run.seconds, mibps: file.size / MiB / run.seconds, memory: run.peakRss - base.peakRss, ok };
	};
}

// ---------- inside a running n8n ----------

/** One webhook call of the running n8n: the Upload node's executionTime and its answer, with the server's peak growth. */
async function callRunning(server: RunningN8n, { path, workflowId }: (typeof RUNNING_HOOKS)['upload']): Promise<{ seconds: number; growth: number; json: Record<string, unknown> }> {
	const { value, growth } = await peakGrowthDuring(server.server.child.pid!, async () => {
		const response = await fetch(`${server.server.url}/webhook/${path}`, { method: 'POST' });
		return { status: response.status, body: await response.text() };
	});
	const run = await newestRunOf(server.server.url, server.cookie, workflowId, 'Upload');
	if (value.status !== 200 || run.error) throw new Error(`webhook ${path}: HTTP ${value.status} ${run.error?.message ?? value.body.slice(0, 500)}`);
	return { seconds: run.executionTime / 1000, growth, json: JSON.parse(value.body) as Record<string, unknown> };
}

interface RunningN8n {
	server: N8nServer;
	cookie: string;
}

/** `n8n start` with both webhook workflows published, the owner set up, and the upload's webhook listening. */
async function startRunningN8n(lan: Lan, file: GcodeFile, holder: SandboxHolder): Promise<RunningN8n> {
	const sandbox = (holder.running ??= N8nSandbox.create({ fileAccessDirs: [file.dir] }));
	await sandbox.importCredentials([lanCredential(N8N_CREDENTIAL, lan.url.replace(/^http:\/\//, ''), lan.pairing)]);
	await sandbox.importWorkflows([IN_N8N_WORKFLOWS.webhookBaseline(file.path), IN_N8N_WORKFLOWS.webhookUpload(file.path)]);
	const server = await sandbox.startServer(Object.values(RUNNING_HOOKS).map(({ workflowId }) => workflowId));
	const cookie = server.ownerCookie;
	for (const { path } of Object.values(RUNNING_HOOKS)) await waitForWebhook(server, path);
	return { server, cookie };
}

/**
 * The node inside a running n8n. Each call comes after RUNNING_IDLE_S idle seconds (V8 collects an idle process's
 * heap to shrink it, as in a deployed n8n between executions): first the No-Op workflow (the memory baseline:
 * reading the file into n8n's binary data), then the upload.
 */
async function runningN8nApproach(lan: Lan, file: GcodeFile, holder: SandboxHolder): Promise<() => Promise<Run>> {
	const running = await startRunningN8n(lan, file, holder);
	const idle = () => new Promise((resolve) => setTimeout(resolve, RUNNING_IDLE_S * 1000));
	return async () => {
		await idle();
		const base = await callRunning(running, RUNNING_HOOKS.baseline);
		await idle();
		const countBefore = (await lan.client.uploads()).length;
		const run = await callRunning(running, RUNNING_HOOKS.upload);
		const ok = typeof run.json.uuid === 'string' && (await received(lan, countBefore, file.name.replace(/\.gcode$/, ''), file.size));
		return { seconds: run.seconds, mibps: file.size / MiB / run.seconds, memory: run.growth - base.growth, ok };
	};
}

/** The real n8n the largest size runs in: created on first use, cleaned up at the end. */
type SandboxHolder = { sandbox?: N8nSandbox; running?: N8nSandbox };

/** Pairs with the emulator's "printer" (request, then Allow pressed on its screen) and builds the node's credential. */
async function pairWith(url: string): Promise<Lan> {
	const client = new LanClient(url);
	const pairing = await client.pair('n8n-bench', 'bench');
	const credentials: CredentialStore = { ultimakerLocalNetworkApi: { host: url.replace(/^http:\/\//, ''), authId: pairing.id, authKey: pairing.key } };
	return { url, client, pairing, credentials };
}

/** ROUNDS rounds of every approach, the order rotating every round. */
// ---------- report ----------

const mib = (bytes: number) => bytes / MiB;

function sizeLabel(sizeMiB: number): string {
	return sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`;
}

function sizeTable(sizeMiB: number, runs: Record<string, Run[]>): string {
	const curl = runs[CURL]!;
	const row = (name: string, list: Run[], ratio: string, memory: string) => {
		const cpu = list.every((run) => run.cpuSeconds !== undefined) ? spread(list.map((run) => run.cpuSeconds!), 2) : '—';
		return `| ${name} | ${spread(list.map((run) => run.seconds), 3)} | ${list.map((run) => fmt(run.mibps, 0)).join(' / ')} | ${ratio} | ${memory} | ${cpu} | ${list.every((run) => run.ok) ? 'yes' : 'NO'} |`;
	};
	const rows = Object.entries(runs)
		.filter(([name]) => name !== CURL)
		.map(([name, list]) => {
			// Same round, same file: how long curl took for what the node took (1 = as fast as curl, < 1 = slower).
			const ratios = list.map((run, i) => curl[i]!.seconds / run.seconds);
			const memory = list.map((run) => mib(run.memory));
			const what = name === IN_N8N_NODE || name === RUNNING_N8N_NODE ? "n8n's peak RSS over the No-Op run" : 'RSS growth';
			return row(name, list, `**${spread(ratios, 2)}**`, `${what} ${fmt(median(memory))} MiB median, ${fmt(Math.max(...memory))} MiB max`);
		});
	rows.push(row(CURL, curl, '1', `curl's peak RSS ${fmt(Math.max(...curl.map((run) => mib(run.memory))))} MiB max`));
	return (
		`**${sizeLabel(sizeMiB)}**, ${ROUNDS} rounds:\n\n` +
		'| approach | seconds: median (min–max) | MiB/s per round | ratio curl time / node time, same round: median (min–max) | memory | CPU s: median (min–max) | all received |\n' +
		`|---|---|---|---|---|---|---|\n${rows.join('\n')}`
	);
}

interface SizeResult {
	table: string;
	raw: Record<string, unknown>;
	profileLines: string[];
}

/** One file size: write it, store it as n8n does, run both approaches ROUNDS times, and (largest, on request) profile the node. */
async function measureSize(lan: Lan, dir: string, sizeMiB: number, holder: SandboxHolder): Promise<SizeResult> {
	const file = await writeGcodeFile({ sizeBytes: sizeMiB * MiB, dir, fileName: `lan-bench-${sizeMiB}MiB.gcode` });
	const binary = await storeBinary({ path: file.path }, { fileName: file.name, mimeType: 'text/x-gcode' });
	spawnSync('sync');
	// Unmeasured warm-up: the emulator's first upload of a size pays for its first large allocation (a fresh
	// emulator took 7.9 s for a first 1 GiB curl upload, 4.2–4.5 s for the next three), which would always fall
	// on the approach that runs first in round 1.
	const warmUp = await curlUpload(lan, file);
	if (!warmUp.ok) throw new Error('the warm-up upload did not reach the emulator');
	const approaches: Record<string, () => Promise<Run>> = { [NODE]: () => nodeUpload(lan, binary, file), [CURL]: () => curlUpload(lan, file) };
	if (IN_N8N && sizeMiB === Math.max(...SIZES_MIB)) {
		approaches[IN_N8N_NODE] = await inN8nApproach(lan, file, holder);
		approaches[RUNNING_N8N_NODE] = await runningN8nApproach(lan, file, holder);
	}
	const runs = await runRounds(approaches, ROUNDS);
	let profileLines: string[] = [];
	if (PROFILE && sizeMiB === Math.max(...SIZES_MIB)) {
		forgetSends();
		const { profile } = await profileCpu(() => runUploadAndPrint(lan, binary), join(ROOT, '.bench', 'lanUpload-node.cpuprofile'));
		profileLines = heaviest(profile, 15);
	}
	rmSync(file.path, { force: true });
	return { table: sizeTable(sizeMiB, runs), raw: { sizeMiB, bytes: file.size, warmUpCurl: warmUp, runs }, profileLines };
}

async function main(): Promise<void> {
	const { child, lanUrl } = await startEmulatorChild('lan-upload-bench');
	const dir = join(ROOT, '.bench', 'lan-upload-files');
	mkdirSync(dir, { recursive: true });
	const loadAtStart = loadavg();
	const startedAt = new Date().toISOString();
	const sizes: SizeResult[] = [];
	const holder: SandboxHolder = {};
	try {
		const lan = await pairWith(lanUrl);
		for (const sizeMiB of SIZES_MIB) sizes.push(await measureSize(lan, dir, sizeMiB, holder));
	} finally {
		child.kill('SIGTERM');
		await holder.sandbox?.cleanup();
		await holder.running?.cleanup();
		rmSync(dir, { recursive: true, force: true });
	}
	const loadAtEnd = loadavg();
	const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' / ');
	console.log(`Started ${startedAt}. Load average (1/5/15 min) at the start ${load(loadAtStart)}, at the end ${load(loadAtEnd)}.\n`);
	for (const size of sizes) console.log(`${size.table}\n`);
	console.log(
		'Times: this node = the whole Upload and Print (queue read, pairing check, multipart POST, queue read), in-process or (n8n:) the node\'s executionTime inside n8n; curl = the upload alone (its time_total). ' +
			'Issue 19\'s target for 1 GiB: ratio ≥ 0.9, node RSS growth < 64 MB.',
	);
	const profileLines = sizes.flatMap((size) => size.profileLines);
	if (profileLines.length) console.log(`\nCPU profile of one node Upload and Print of the largest file (self time; .bench/lanUpload-node.cpuprofile):\n\n${profileLines.join('\n')}`);
	mkdirSync(join(ROOT, '.bench'), { recursive: true });
	writeFileSync(join(ROOT, '.bench', 'lanUpload.json'), JSON.stringify({ at: startedAt, loadAtStart, loadAtEnd, results: sizes.map((size) => size.raw) }, null, 2));
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
