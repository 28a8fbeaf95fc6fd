/**
 * Upload throughput and memory (`npm run bench -- upload`): the action node's upload path next to the other ways
 * to send the same file to the same signed storage URL, same emulator, same run, rounds interleaved.
 *
 * - The emulator runs in a CHILD process (its memory and CPU stay out of the figures).
 * - node: the real `job.upload` operation through the node's `execute` on n8n-core's real ExecuteContext, the file
 *   held by n8n-core's BinaryDataService in filesystem mode (body: `getBinaryStream(id, 1 MiB)`). Time: the whole
 *   operation (registration + storage PUT + status poll). Memory: this process's RSS growth, sampled every 10 ms.
 * - axios: the same binary stream through axios (n8n-core's own copy) with `maxRedirects: 0`, storage PUT alone.
 * - curl: `curl -T file` with the same headers, storage PUT alone. Memory: curl's own peak RSS.
 * - n8n httpRequest PUT alone: the node's storage request (n8n-core's `httpRequest`, redirects off) of
 *   `getBinaryStream(id, <read size>)` for each read size in BENCH_UPLOAD_CHUNKS_KIB (default 64,1024,4096).
 * - Largest size only, inside a real n8n (`n8n execute`, n8n 2.8.4 unless N8N_VERSION, filesystem binary data): a workflow
 *   Read file → Upload job (this node), and Read file → n8n's HTTP Request node PUT of the binary to an upload URL
 *   registered by a previous HTTP Request node — what a user would build instead — with its default "Follow
 *   Redirects" on and, separately, off. Time: the upload node's own `executionTime` in n8n's run data. Memory: the
 *   n8n process's peak RSS (VmHWM) minus that of the same workflow with a No-Op in place of the upload.
 *   BENCH_UPLOAD_N8N=0 skips these.
 *
 * Sizes: BENCH_UPLOAD_SIZES_MIB (default 10,1024). Rounds: BENCH_UPLOAD_ROUNDS (default 5); the order of the
 * approaches rotates every round. BENCH_UPLOAD_PROFILE=1 also records a CPU profile of one node-path storage PUT
 * of the largest file (.bench/upload-put.cpuprofile; its heaviest functions are printed). Raw: .bench/upload.json.
 * Resuming: for the largest file, the cost of continuing a resumable upload at 60 % from n8n's binary stream (which
 * cannot start at an offset): open `getBinaryStream(id, 1 MiB)` and read and drop 60 % of the file with the node's
 * own `skipBytes`, per round.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

// With `.ts`: tsx would resolve `….node` to the codex file `….node.json` next to it.
import { UltimakerDigitalFactory } from '../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node.ts';
import * as uploadPlan from '../nodes/UltimakerDigitalFactory/core/upload/plan';
import { skipBytes } from '../nodes/UltimakerDigitalFactory/connections/cloud/twoStageUpload';
import { runN8nCli, parseExecutionJson } from '../scripts/lib/n8n';
import { apiCredential, type Workflow } from '../scripts/lib/workflows';
import { N8nSandbox } from '../test/e2e/harness';
import { writeGcodeFile } from '../test/fixtures/gcode';
import { createExecuteContext, runNode, storeBinary } from '../test/helpers/n8nContext';
import { EmulatorClient } from '../emulator/client';
import { startEmulatorChild } from './lib/emulatorChild';
import { heaviest, profileCpu } from './lib/cpuProfile';
import { fmt, inProcess, median, runRounds, spread } from './lib/measure';
import { watchPeak } from './lib/peak';

const ROOT = join(__dirname, '..');
const MiB = 1024 * 1024;
const SIZES_MIB = (process.env.BENCH_UPLOAD_SIZES_MIB ?? '10,1024').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 5);
const IN_N8N = process.env.BENCH_UPLOAD_N8N !== '0';
const PROFILE = process.env.BENCH_UPLOAD_PROFILE === '1';
const TOKEN = 'umapi-emulator-token-0001|main';
/** The axios n8n-core itself calls (its own dependency), not this repository's newer devDependency. */
const axios = createRequire(require.resolve('n8n-core'))('axios') as typeof import('axios').default;

type Binary = Awaited<ReturnType<typeof storeBinary>>;

interface Run {
	/** MiB/s of the measured span. */
	mibps: number;
	seconds: number;
	/** Bytes: RSS growth (in-process), peak RSS (curl), peak over the No-Op baseline (n8n). */
	memory: number;
	cpuSeconds?: number;
	ok: boolean;
}

async function register(apiUrl: string, name: string, size: number): Promise<{ job_id: string; upload_url: string }> {
	const job = await new EmulatorClient(apiUrl, TOKEN).registerJob({ job_name: name, file_size: size, content_type: 'text/plain' });
	return { job_id: job.job_id as string, upload_url: job.upload_url as string };
}

async function jobStatus(apiUrl: string, jobId: string): Promise<string> {
	return ((await new EmulatorClient(apiUrl, TOKEN).data('GET', `/cura/v1/jobs/${encodeURIComponent(jobId)}`)) as { status: string }).status;
}

async function nodeUpload(apiUrl: string, binary: Binary, size: number): Promise<Run> {
	const run = await inProcess(() =>
		runNode({
			nodeType: new UltimakerDigitalFactory(),
			parameters: { resource: 'job', operation: 'upload' },
			items: [{ json: {}, binary: { data: binary } }],
			credentials: { ultimakerDigitalFactoryApi: { apiToken: TOKEN, baseUrl: apiUrl } },
		}),
	);
	const ok = run.value[0]?.[0]?.json.status === 'uploaded';
	return { mibps: size / MiB / run.seconds, seconds: run.seconds, memory: run.rssGrowth, cpuSeconds: run.cpuSeconds, ok };
}

function helperContext() {
	return createExecuteContext({ nodeType: new UltimakerDigitalFactory(), parameters: {}, credentials: {} }).context;
}

async function axiosUpload(apiUrl: string, binary: Binary, size: number): Promise<Run> {
	const slot = await register(apiUrl, 'axios.gcode', size);
	const body = await helperContext().helpers.getBinaryStream(binary.id!, uploadPlan.BINARY_STREAM_CHUNK_BYTES);
	const run = await inProcess(() =>
		axios.put(slot.upload_url, body, {
			headers: { 'Content-Type': 'text/plain', 'Content-Length': String(size) },
			maxRedirects: 0,
			maxBodyLength: Infinity,
			validateStatus: () => true,
		}),
	);
	const ok = run.value.status === 200 && (await jobStatus(apiUrl, slot.job_id)) === 'uploaded';
	return { mibps: size / MiB / run.seconds, seconds: run.seconds, memory: run.rssGrowth, cpuSeconds: run.cpuSeconds, ok };
}

/** The storage PUT as the node sends it through n8n's `httpRequest` (actions/upload/twoStage.ts `putToStorage`). */
function storagePut(url: string, size: number, body: Readable) {
	return {
		method: 'PUT' as const,
		url,
		headers: { 'Content-Type': 'text/plain', 'Content-Length': String(size) },
		body,
		json: false,
		encoding: 'text' as const,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
	};
}

/** The node's storage PUT alone (n8n-core's `httpRequest`, redirects off) of `getBinaryStream(id, chunkBytes)`. */
async function helperPut(apiUrl: string, binary: Binary, size: number, chunkBytes: number): Promise<Run> {
	const slot = await register(apiUrl, 'helper.gcode', size);
	const context = helperContext();
	const run = await inProcess(async () => {
		const body = await context.helpers.getBinaryStream(binary.id!, chunkBytes);
		return (await context.helpers.httpRequest(storagePut(slot.upload_url, size, body))) as { statusCode: number };
	});
	const ok = run.value.statusCode === 200 && (await jobStatus(apiUrl, slot.job_id)) === 'uploaded';
	return { mibps: size / MiB / run.seconds, seconds: run.seconds, memory: run.rssGrowth, cpuSeconds: run.cpuSeconds, ok };
}

/** Read sizes of n8n's binary stream tried for the PUT alone (BENCH_UPLOAD_CHUNKS_KIB, default 64,1024,4096). */
const CHUNKS_KIB = (process.env.BENCH_UPLOAD_CHUNKS_KIB ?? '64,1024,4096').split(',').filter(Boolean).map(Number);

async function curlUpload(apiUrl: string, path: string, size: number): Promise<Run> {
	const slot = await register(apiUrl, 'curl.gcode', size);
	const child = spawn('curl', ['-sS', '-T', path, '-H', 'Content-Type: text/plain', '-H', 'Expect:', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', slot.upload_url]);
	const watcher = watchPeak(child.pid!);
	let out = '';
	child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	const peak = watcher.stop();
	if (code !== 0) throw new Error(`curl failed with exit ${code}`);
	const [httpCode, seconds] = out.trim().split(' ');
	const ok = httpCode === '200' && (await jobStatus(apiUrl, slot.job_id)) === 'uploaded';
	return { mibps: size / MiB / Number(seconds), seconds: Number(seconds), memory: peak.peakRss, cpuSeconds: peak.cpuSeconds, ok };
}

// ---------- inside a real n8n ----------

const CREDENTIAL = { id: 'udfBenchCred00001', name: 'Bench emulator' };

function readFileThen(id: string, filePath: string, last: Workflow['nodes'], size: number, apiUrl: string): Workflow {
	const register: Workflow['nodes'][number] = {
		id: `${id}-register`,
		name: 'Register upload',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [200, 0],
		parameters: {
			method: 'PUT',
			url: `${apiUrl}/cura/v1/jobs/upload`,
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${TOKEN}` }] },
			sendBody: true,
			specifyBody: 'json',
			jsonBody: JSON.stringify({ data: { job_name: 'http-node.gcode', file_size: size, content_type: 'text/plain' } }),
			options: {},
		},
	};
	const nodes: Workflow['nodes'] = [
		{ id: `${id}-start`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		register,
		{ id: `${id}-read`, name: 'Read file', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, position: [400, 0], parameters: { operation: 'read', fileSelector: filePath, options: {} } },
		...last,
	];
	const chain = nodes.map((node) => node.name);
	const connections: Workflow['connections'] = {};
	for (let i = 0; i < chain.length - 1; i++) connections[chain[i]!] = { main: [[{ node: chain[i + 1]!, type: 'main', index: 0 }]] };
	return { id, name: id, active: false, nodes, connections, settings: { executionOrder: 'v1' } };
}

function httpPut(followRedirects: boolean): Workflow['nodes'][number] {
	return {
		id: `put-${followRedirects}`,
		name: 'Upload',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [600, 0],
		parameters: {
			method: 'PUT',
			url: "={{ $('Register upload').item.json.data.upload_url }}",
			sendBody: true,
			contentType: 'binaryData',
			inputDataFieldName: 'data',
			// The default (4.x): follow redirects. Off: what a user may switch to for a big upload.
			options: followRedirects ? {} : { redirect: { redirect: { followRedirects: false } } },
		},
	};
}

const IN_N8N_WORKFLOWS = {
	'n8n: Read file → No-Op (baseline)': (path: string, size: number, apiUrl: string) =>
		readFileThen('benchBaselineNoOp', path, [{ id: 'noop', name: 'Upload', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, 0], parameters: {} }], size, apiUrl),
	'n8n: Read file → this node (Upload job)': (path: string, size: number, apiUrl: string) =>
		readFileThen(
			'benchUploadNode0',
			path,
			[
				{
					id: 'udf',
					name: 'Upload',
					type: 'CUSTOM.ultimakerDigitalFactory',
					typeVersion: 1,
					position: [600, 0],
					parameters: { resource: 'job', operation: 'upload', jobName: 'n8n-node.gcode' },
					credentials: { ultimakerDigitalFactoryApi: { ...CREDENTIAL } },
				},
			],
			size,
			apiUrl,
		),
	"n8n: Read file → HTTP Request PUT (default: follows redirects)": (path: string, size: number, apiUrl: string) =>
		readFileThen('benchHttpNodeRedir', path, [httpPut(true)], size, apiUrl),
	'n8n: Read file → HTTP Request PUT ("Follow Redirects" off)': (path: string, size: number, apiUrl: string) =>
		readFileThen('benchHttpNodeNoRdr', path, [httpPut(false)], size, apiUrl),
};
type InN8nName = keyof typeof IN_N8N_WORKFLOWS;

async function inN8n(sandbox: N8nSandbox, apiUrl: string, workflowId: string): Promise<{ seconds: number; peakRss: number; ok: boolean }> {
	let watcher: ReturnType<typeof watchPeak> | undefined;
	const cli = await runN8nCli(sandbox.bin, ['execute', `--id=${workflowId}`, '--rawOutput'], await sandbox.env(), 600_000, (child) => {
		watcher = watchPeak(child.pid!);
	});
	const peak = watcher!.stop();
	const execution = parseExecutionJson(cli.stdout);
	const run = execution?.data?.resultData?.runData?.Upload?.[0];
	if (!run || run.error) throw new Error(`n8n execute ${workflowId}: ${run?.error?.message ?? 'no run data'}\n${cli.stdout.slice(-2000)}\n${cli.stderr.slice(-2000)}`);
	const output = run.data?.main?.[0]?.[0]?.json ?? {};
	const registered = execution?.data?.resultData?.runData?.['Register upload']?.[0]?.data?.main?.[0]?.[0]?.json?.data;
	const ok =
		workflowId === 'benchBaselineNoOp' ||
		(workflowId.startsWith('benchHttp') ? (await jobStatus(apiUrl, String(registered?.job_id))) === 'uploaded' : output.status === 'uploaded');
	// Binary data of CLI executions stays in the sandbox: drop it so 1 GiB copies do not pile up.
	rmSync(join(sandbox.userFolder, '.n8n', 'storage'), { recursive: true, force: true });
	return { seconds: run.executionTime / 1000, peakRss: peak.peakRss, ok };
}

// ---------- resuming ----------

/** Reading and dropping 60 % of the file from n8n's binary stream, as a resumed upload does: seconds and CPU seconds per round. */
async function resumeSkipCost(binary: Binary, size: number): Promise<string> {
	const offset = Math.floor((size * 0.6) / (256 * 1024)) * 256 * 1024;
	const seconds: number[] = [];
	const cpu: number[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		const run = await inProcess(async () => {
			const stream = await helperContext().helpers.getBinaryStream(binary.id!, uploadPlan.BINARY_STREAM_CHUNK_BYTES);
			await skipBytes(stream, offset);
			stream.destroy();
		});
		seconds.push(run.seconds);
		cpu.push(run.cpuSeconds);
	}
	return (
		`Resuming at 60 % (byte ${offset}) from n8n's binary stream: reading and dropping the kept bytes took ${spread(seconds, 3)} s ` +
		`(${fmt(offset / MiB / median(seconds), 0)} MiB/s), ${spread(cpu, 3)} CPU s, ${ROUNDS} rounds.`
	);
}

// ---------- profile ----------

async function profileNodePut(apiUrl: string, binary: Binary, size: number): Promise<string[]> {
	const slot = await register(apiUrl, 'profile.gcode', size);
	const context = helperContext();
	const body = await context.helpers.getBinaryStream(binary.id!, uploadPlan.BINARY_STREAM_CHUNK_BYTES);
	const { profile } = await profileCpu(() => context.helpers.httpRequest(storagePut(slot.upload_url, size, body)), join(ROOT, '.bench', 'upload-put.cpuprofile'));
	return heaviest(profile, 12);
}

// ---------- report ----------

const mib = (bytes: number) => bytes / MiB;

type GcodeFile = Awaited<ReturnType<typeof writeGcodeFile>>;
/** The real n8n the largest size runs in: created on first use, cleaned up at the end. */
type SandboxHolder = { sandbox?: N8nSandbox };

/** Every approach for one file, by name: the in-process ones, and (largest size) the ones inside a real n8n. */
async function approachesFor(apiUrl: string, file: GcodeFile, binary: Binary, textCopy: string, holder: SandboxHolder, withN8n: boolean): Promise<Record<string, () => Promise<Run>>> {
	const approaches: Record<string, () => Promise<Run>> = {
		'this node (in-process n8n-core)': () => nodeUpload(apiUrl, binary, file.size),
		'axios, same stream, maxRedirects 0': () => axiosUpload(apiUrl, binary, file.size),
		'curl -T': () => curlUpload(apiUrl, file.path, file.size),
	};
	for (const kib of CHUNKS_KIB) approaches[`n8n httpRequest PUT alone, ${kib} KiB reads`] = () => helperPut(apiUrl, binary, file.size, kib * 1024);
	if (withN8n) Object.assign(approaches, await inN8nApproaches(apiUrl, file, textCopy, holder));
	return approaches;
}

async function inN8nApproaches(apiUrl: string, file: GcodeFile, textCopy: string, holder: SandboxHolder): Promise<Record<string, () => Promise<Run>>> {
	copyFileSync(file.path, textCopy);
	const sandbox = (holder.sandbox ??= N8nSandbox.create({ fileAccessDirs: [file.dir] }));
	await sandbox.importCredentials([apiCredential(CREDENTIAL, apiUrl, TOKEN)]);
	// The node takes the `.gcode` (it refuses other toolpaths); the HTTP Request node gets the `.txt` copy.
	const workflows = Object.entries(IN_N8N_WORKFLOWS).map(([name, build]) => build(name.includes('this node') ? file.path : textCopy, file.size, apiUrl));
	await sandbox.importWorkflows(workflows);
	const names = Object.keys(IN_N8N_WORKFLOWS) as InN8nName[];
	const baseline = async () => (await inN8n(sandbox, apiUrl, 'benchBaselineNoOp')).peakRss;
	const approaches: Record<string, () => Promise<Run>> = {};
	for (const [index, name] of names.entries()) {
		if (index === 0) continue;
		approaches[name] = async () => {
			const base = await baseline();
			const run = await inN8n(sandbox, apiUrl, workflows[index]!.id);
			return { mibps: file.size / MiB / run.seconds, seconds: run.seconds, memory: run.peakRss - base, ok: run.ok };
		};
	}
	return approaches;
}

/** ROUNDS rounds of every approach, the order rotating every round. */
function sizeTable(sizeMiB: number, runs: Record<string, Run[]>): string {
	const curl = runs['curl -T']!;
	const label = sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`;
	const rows = Object.entries(runs).map(([name, list]) => {
		const ratios = list.map((run, i) => run.mibps / curl[i]!.mibps);
		const memoryNote = name === 'curl -T' ? 'peak RSS of curl' : name.startsWith('n8n:') ? 'peak over No-Op' : 'RSS growth';
		const cpu = list.every((run) => run.cpuSeconds !== undefined) ? spread(list.map((run) => run.cpuSeconds!), 2) : '—';
		return `| ${name} | ${list.map((run) => fmt(run.mibps, 0)).join(' / ')} | ${spread(ratios, 2)} | ${fmt(mib(Math.max(...list.map((run) => run.memory))))} MiB (${memoryNote}) | ${cpu} | ${list.every((run) => run.ok) ? 'yes' : 'NO'} |`;
	});
	return `**${label}**, ${ROUNDS} rounds:\n\n| approach | MiB/s per round | ratio to curl in the same round: median (min–max) | memory, max over rounds | CPU s per run: median (min–max) | all uploaded |\n|---|---|---|---|---|---|\n${rows.join('\n')}`;
}

interface SizeResult {
	table: string;
	raw: Record<string, unknown>;
	profileLines: string[];
	skipLine: string;
}

/** One file size: write it, run every approach ROUNDS times, and (largest size) the profile and the resume cost. */
async function measureSize(apiUrl: string, dir: string, sizeMiB: number, holder: SandboxHolder): Promise<SizeResult> {
	const largest = sizeMiB === Math.max(...SIZES_MIB);
	const file = await writeGcodeFile({ sizeBytes: sizeMiB * MiB, dir, fileName: `bench-${sizeMiB}MiB.gcode` });
	const binary = await storeBinary({ path: file.path }, { fileName: file.name, mimeType: 'text/plain' });
	// n8n's Read file names the binary's type after the file's extension, and the HTTP Request node sends that
	// type: `.txt` is text/plain, as registered.
	const textCopy = join(dir, `bench-${sizeMiB}MiB.txt`);
	const approaches = await approachesFor(apiUrl, file, binary, textCopy, holder, IN_N8N && largest);
	spawnSync('sync');
	const runs = await runRounds(approaches, ROUNDS);
	const profileLines = PROFILE && largest ? await profileNodePut(apiUrl, binary, file.size) : [];
	const skipLine = largest ? await resumeSkipCost(binary, file.size) : '';
	rmSync(file.path, { force: true });
	rmSync(textCopy, { force: true });
	return { table: sizeTable(sizeMiB, runs), raw: { sizeMiB, bytes: file.size, runs }, profileLines, skipLine };
}

async function main(): Promise<void> {
	const { child, apiUrl } = await startEmulatorChild('upload-bench');
	const dir = join(ROOT, '.bench', 'upload-files');
	mkdirSync(dir, { recursive: true });
	const loadAtStart = loadavg();
	const sizes: SizeResult[] = [];
	const holder: SandboxHolder = {};
	try {
		for (const sizeMiB of SIZES_MIB) sizes.push(await measureSize(apiUrl, dir, sizeMiB, holder));
	} finally {
		child.kill('SIGTERM');
		await holder.sandbox?.cleanup();
	}
	const loadAtEnd = loadavg();
	console.log(
		`Load average (1/5/15 min) at the start ${loadAtStart.map((v) => v.toFixed(2)).join(' / ')}, at the end ${loadAtEnd.map((v) => v.toFixed(2)).join(' / ')}. ` +
			`getBinaryStream chunk: ${uploadPlan.BINARY_STREAM_CHUNK_BYTES / 1024} KiB.\n`,
	);
	for (const size of sizes) console.log(`${size.table}\n`);
	console.log('Times: this node in-process = the whole operation (register + PUT + status poll); in n8n = the upload node\'s executionTime; axios and curl = the PUT alone.');
	const skipLine = sizes.map((size) => size.skipLine).find(Boolean);
	const profileLines = sizes.flatMap((size) => size.profileLines);
	if (skipLine) console.log(`\n${skipLine}`);
	if (profileLines.length) console.log(`\nCPU profile of one node-path storage PUT (self time; .bench/upload-put.cpuprofile):\n\n${profileLines.join('\n')}`);
	mkdirSync(join(ROOT, '.bench'), { recursive: true });
	const results = sizes.map((size) => size.raw);
	writeFileSync(join(ROOT, '.bench', 'upload.json'), JSON.stringify({ at: new Date().toISOString(), loadAtStart, loadAtEnd, results }, null, 2));
	rmSync(dir, { recursive: true, force: true });
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
