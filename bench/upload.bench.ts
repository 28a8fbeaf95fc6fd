/**
 * Upload throughput and memory of the action node's upload path vs `curl -T`, same file, same emulator, same run.
 *
 * - The emulator runs in a CHILD process (its memory and CPU accounting stay out of the figures).
 * - Node path: the real operation code (`job.upload` through the node's `execute`) on n8n-core's real
 *   ExecuteContext, the file held by n8n-core's BinaryDataService in filesystem mode, so the body is the real
 *   `getBinaryStream(id, 1 MiB)` stream — registration, storage PUT, status poll included in the time.
 * - curl path: a fresh upload URL registered for the same file, then `curl -T <file>` with the same headers
 *   (timed from the storage PUT only, i.e. favouring curl).
 * - RSS of this process sampled every 10 ms during the node upload; growth = peak − RSS just before.
 *
 * Sizes: 10 MiB and 1 GiB (BENCH_UPLOAD_SIZES_MIB=10,1024 overrides). Rounds per size: BENCH_UPLOAD_ROUNDS (3).
 * Also measured for the record: the 64 KiB default chunk size of getBinaryStream (why the node asks for 1 MiB).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// With `.ts`: tsx would resolve `….node` to the codex file `….node.json` next to it.
import { UltimakerDigitalFactory } from '../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node.ts';
import * as uploadPlan from '../nodes/UltimakerDigitalFactory/actions/upload/plan';
import { writeGcodeFile } from '../test/fixtures/gcode';
import { createExecuteContext, runNode, storeBinary } from '../test/helpers/n8nContext';
import { EmulatorClient } from '../emulator/client';
import { startEmulatorChild } from './lib/emulatorChild';

const ROOT = join(__dirname, '..');
const MiB = 1024 * 1024;
const SIZES_MIB = (process.env.BENCH_UPLOAD_SIZES_MIB ?? '10,1024').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 3);
const TOKEN = 'umapi-emulator-token-0001|main';


async function register(apiUrl: string, name: string, size: number): Promise<{ job_id: string; upload_url: string }> {
	const job = await new EmulatorClient(apiUrl, TOKEN).registerJob({ job_name: name, file_size: size, content_type: 'text/plain' });
	return { job_id: job.job_id as string, upload_url: job.upload_url as string };
}

async function jobStatus(apiUrl: string, jobId: string): Promise<string> {
	return ((await new EmulatorClient(apiUrl, TOKEN).data('GET', `/cura/v1/jobs/${encodeURIComponent(jobId)}`)) as { status: string }).status;
}

function curlUpload(path: string, uploadUrl: string): { seconds: number; httpCode: string } {
	const result = spawnSync(
		'curl',
		['-sS', '-T', path, '-H', 'Content-Type: text/plain', '-H', 'Expect:', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', uploadUrl],
		{ encoding: 'utf8' },
	);
	if (result.status !== 0) throw new Error(`curl failed: ${result.stderr}`);
	const [httpCode, seconds] = result.stdout.trim().split(' ');
	return { httpCode: httpCode!, seconds: Number(seconds) };
}

function gc(): void {
	(globalThis as { gc?: () => void }).gc?.();
}

interface NodeRun {
	seconds: number;
	rssBefore: number;
	rssPeak: number;
	status: string;
}

async function nodeUpload(apiUrl: string, binaryId: Awaited<ReturnType<typeof storeBinary>>): Promise<NodeRun> {
	gc();
	await new Promise((resolve) => setTimeout(resolve, 50));
	const rssBefore = process.memoryUsage().rss;
	let rssPeak = rssBefore;
	const sampler = setInterval(() => {
		rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
	}, 10);
	const started = process.hrtime.bigint();
	const output = await runNode({
		nodeType: new UltimakerDigitalFactory(),
		parameters: { resource: 'job', operation: 'upload' },
		items: [{ json: {}, binary: { data: binaryId } }],
		credentials: { ultimakerDigitalFactoryApi: { apiToken: TOKEN, baseUrl: apiUrl } },
	});
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	clearInterval(sampler);
	rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
	return { seconds, rssBefore, rssPeak, status: String(output[0][0].json.status) };
}

/** The storage PUT alone through n8n's httpRequest with getBinaryStream(id, chunk): isolates the chunk size. */
async function helperPut(
	apiUrl: string,
	binary: Awaited<ReturnType<typeof storeBinary>>,
	size: number,
	chunk?: number,
): Promise<{ seconds: number; cpuSeconds: number }> {
	const { context } = createExecuteContext({ nodeType: new UltimakerDigitalFactory(), parameters: {}, credentials: {} });
	const slot = await register(apiUrl, 'chunk-test.gcode', size);
	const body = await context.helpers.getBinaryStream(binary.id!, chunk);
	const started = process.hrtime.bigint();
	const cpuBefore = process.cpuUsage();
	await context.helpers.httpRequest({
		method: 'PUT',
		url: slot.upload_url,
		headers: { 'Content-Type': 'text/plain', 'Content-Length': String(size) },
		body,
		json: false,
		encoding: 'text',
		returnFullResponse: true,
		disableFollowRedirect: true,
	});
	const cpu = process.cpuUsage(cpuBefore);
	return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const mib = (bytes: number) => bytes / MiB;
const fmt = (value: number, digits = 1) => value.toFixed(digits);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
	const { child, apiUrl } = await startEmulatorChild('upload-bench');
	const dir = join(ROOT, '.bench', 'upload-files');
	mkdirSync(dir, { recursive: true });
	const results: Array<Record<string, unknown>> = [];
	const rows: string[] = [];
	const chunkTable: string[] = [];
	try {
		for (const sizeMiB of SIZES_MIB) {
			const file = await writeGcodeFile({ sizeBytes: sizeMiB * MiB, dir, fileName: `bench-${sizeMiB}MiB.gcode` });
			const binary = await storeBinary({ path: file.path }, { fileName: file.name, mimeType: 'text/plain' });
			// Flush the freshly written files first, so disk write-back does not slow whichever upload runs next.
			spawnSync('sync');
			const runs: Array<{ node: NodeRun; curl: { seconds: number; httpCode: string; status: string } }> = [];
			for (let round = 0; round < ROUNDS; round++) {
				const runCurl = async () => {
					const slot = await register(apiUrl, file.name, file.size);
					const curl = curlUpload(file.path, slot.upload_url);
					return { ...curl, status: await jobStatus(apiUrl, slot.job_id) };
				};
				// Alternate which goes first, so neither always gets the warmer caches.
				if (round % 2 === 0) {
					const node = await nodeUpload(apiUrl, binary);
					runs.push({ node, curl: await runCurl() });
				} else {
					const curl = await runCurl();
					runs.push({ node: await nodeUpload(apiUrl, binary), curl });
				}
			}
			const nodeMiBs = runs.map((run) => mib(file.size) / run.node.seconds);
			const curlMiBs = runs.map((run) => mib(file.size) / run.curl.seconds);
			const ratios = runs.map((run) => run.curl.seconds / run.node.seconds);
			const growth = Math.max(...runs.map((run) => run.node.rssPeak - run.node.rssBefore));
			const allUploaded = runs.every((run) => run.node.status === 'uploaded' && run.curl.status === 'uploaded' && run.curl.httpCode === '200');
			results.push({ sizeMiB, bytes: file.size, runs, nodeMiBs, curlMiBs, ratios, maxRssGrowthBytes: growth, allUploaded });
			rows.push(
				`| ${sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`} | ${nodeMiBs.map((v) => fmt(v, 0)).join(' / ')} | ${curlMiBs
					.map((v) => fmt(v, 0))
					.join(' / ')} | ${ratios.map((v) => fmt(v, 2)).join(' / ')} (median **${fmt(median(ratios), 2)}**) | ${fmt(
					mib(Math.min(...runs.map((run) => run.node.rssBefore))),
				)} → ${fmt(mib(Math.max(...runs.map((run) => run.node.rssPeak))))} | **${fmt(mib(growth))} MiB** | ${allUploaded ? 'yes' : 'NO'} |`,
			);
			if (sizeMiB >= 1024) {
				const chunkRows: Array<{ chunkKiB: number; seconds: number[]; cpuSeconds: number[] }> = [];
				const chunks = [undefined, uploadPlan.BINARY_STREAM_CHUNK_BYTES];
				const measured = chunks.map(() => [] as Array<{ seconds: number; cpuSeconds: number }>);
				// Interleaved rounds, so machine noise hits both chunk sizes alike.
				for (let round = 0; round < ROUNDS; round++) {
					for (let i = 0; i < chunks.length; i++) measured[i]!.push(await helperPut(apiUrl, binary, file.size, chunks[i]));
				}
				chunks.forEach((chunk, i) =>
					chunkRows.push({
						chunkKiB: (chunk ?? 64 * 1024) / 1024,
						seconds: measured[i]!.map((m) => m.seconds),
						cpuSeconds: measured[i]!.map((m) => m.cpuSeconds),
					}),
				);
				results.push({ chunkSizeComparison: chunkRows, bytes: file.size });
				chunkTable.push(
					...chunkRows.map(
						(row) =>
							`| ${row.chunkKiB === 64 ? '64 KiB (n8n default)' : `${row.chunkKiB} KiB (the node)`} | ${row.seconds
								.map((value) => fmt(mib(file.size) / value, 0))
								.join(' / ')} | ${row.cpuSeconds.map((value) => fmt(value, 2)).join(' / ')} |`,
					),
				);
			}
			rmSync(file.path, { force: true });
		}
	} finally {
		child.kill('SIGTERM');
	}
	console.log(`Chunk size of getBinaryStream used by the node: ${uploadPlan.BINARY_STREAM_CHUNK_BYTES / 1024} KiB. Rounds per size: ${ROUNDS} (node and curl in alternating order).\n`);
	console.log('| file | node MiB/s (per round) | curl -T MiB/s | ratio node/curl | node process RSS before → peak (MiB) | max RSS growth | all `uploaded` |');
	console.log('|---|---|---|---|---|---|---|');
	for (const row of rows) console.log(row);
	console.log('\nnode time = whole operation (register + streamed PUT + status poll); curl time = the storage PUT alone.');
	if (chunkTable.length > 0) {
		console.log('\nStorage PUT of the 1 GiB file alone, n8n `httpRequest` + `getBinaryStream(id, chunk)`, MiB/s per round:\n');
		console.log('| read chunk | MiB/s | CPU seconds of the node process |');
		console.log('|---|---|---|');
		for (const row of chunkTable) console.log(row);
	}
	mkdirSync(join(ROOT, '.bench'), { recursive: true });
	writeFileSync(join(ROOT, '.bench', 'upload.json'), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
	rmSync(dir, { recursive: true, force: true });
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
