/**
 * Inspect toolpath's memory on large UFPs: peak RSS and heap growth while inspecting a UFP read through a
 * file stream, as n8n's `helpers.getBinaryStream()` gives it (a re-openable Readable of 1 MiB chunks, the
 * chunk size the node asks for), against the file's size. Flat means the same few MB whatever the size.
 *
 *   npm run bench -- toolpath        (or: npx tsx --expose-gc bench/toolpath.bench.ts)
 *   BENCH_TOOLPATH_SIZES_MB=10,100,500 (default)   BENCH_TOOLPATH_ROUNDS=3 (default)
 *
 * Each UFP is generated on the fly into a temp file by a child process (so the generator's own memory stays
 * out of the figures): model.gcode deflated (~2.4:1, noisy G-code), a thumbnail at the END of the file, so
 * the inspector has to reach the end twice (the zip directory, then the thumbnail). RSS and heap are sampled
 * every 5 ms; growth = peak − the value just before (after a GC). For contrast, one `fs.readFile` of the same
 * file (what buffering the whole binary costs). Wall times are on a shared 2-core machine.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { inspectToolpath } from '../nodes/UltimakerDigitalFactory/core/toolpath';
import type { ReopenableStream } from '../nodes/UltimakerDigitalFactory/core/toolpath';
import { writeLargeUfp } from '../test/fixtures/toolpaths';

const MiB = 1024 * 1024;
const MB = 1_000_000;
const SIZES_MB = (process.env.BENCH_TOOLPATH_SIZES_MB ?? '10,100,500').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_TOOLPATH_ROUNDS ?? 3);
/** What the node passes to getBinaryStream (the upload path's chunk size). */
const STREAM_CHUNK_BYTES = MiB;

interface Generated {
	path: string;
	size: number;
	gcodeBytes: number;
}

interface Sample {
	seconds: number;
	rssGrowth: number;
	heapGrowth: number;
	bytesRead: number;
	opens: number;
}

function gc(): void {
	(globalThis as { gc?: () => void }).gc?.();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` while sampling this process's RSS and heap; returns the growth over the baseline. */
async function measure<T>(
	work: () => Promise<T>,
): Promise<{ result: T; seconds: number; rssGrowth: number; heapGrowth: number }> {
	gc();
	await pause(50);
	const before = process.memoryUsage();
	let rssPeak = before.rss;
	let heapPeak = before.heapUsed;
	const sampler = setInterval(() => {
		const now = process.memoryUsage();
		rssPeak = Math.max(rssPeak, now.rss);
		heapPeak = Math.max(heapPeak, now.heapUsed);
	}, 5);
	const started = process.hrtime.bigint();
	const result = await work();
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	clearInterval(sampler);
	const after = process.memoryUsage();
	rssPeak = Math.max(rssPeak, after.rss);
	heapPeak = Math.max(heapPeak, after.heapUsed);
	return { result, seconds, rssGrowth: rssPeak - before.rss, heapGrowth: heapPeak - before.heapUsed };
}

/** A file opened as n8n opens a stored binary: a fresh Readable each time, counting what is read. */
function fileStream(file: Generated): ReopenableStream & { bytesRead: number; opens: number } {
	const stream = {
		size: file.size,
		bytesRead: 0,
		opens: 0,
		open() {
			stream.opens++;
			const readable = createReadStream(file.path, { highWaterMark: STREAM_CHUNK_BYTES });
			readable.on('data', (chunk) => (stream.bytesRead += chunk.length));
			return readable;
		},
	};
	return stream;
}

async function inspectOnce(file: Generated): Promise<Sample> {
	const stream = fileStream(file);
	const { result, seconds, rssGrowth, heapGrowth } = await measure(() =>
		inspectToolpath(stream, { fileName: 'large.ufp' }),
	);
	if (result.json.machine !== 'Ultimaker S5' || !result.thumbnail)
		throw new Error(`unexpected inspection: ${JSON.stringify(result.json)}`);
	return { seconds, rssGrowth, heapGrowth, bytesRead: stream.bytesRead, opens: stream.opens };
}

function generate(bytes: number, dir: string): Generated {
	const child = spawnSync(
		process.execPath,
		[require.resolve('tsx/cli'), __filename, '--generate', String(bytes), dir],
		{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
	);
	if (child.status !== 0) throw new Error(`generator failed (exit ${child.status})`);
	return JSON.parse(child.stdout.trim().split('\n').pop()!) as Generated;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => (bytes / MB).toFixed(1);
const spread = (values: number[], format: (value: number) => string) =>
	`${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;

async function main(): Promise<void> {
	const rows = [];
	for (const sizeMb of SIZES_MB) {
		const dir = mkdtempSync(join(tmpdir(), 'um-toolpath-bench-'));
		try {
			const file = generate(sizeMb * MB, dir);
			await inspectOnce(file); // warm-up (module code, JIT)
			const samples: Sample[] = [];
			for (let round = 0; round < ROUNDS; round++) samples.push(await inspectOnce(file));
			const whole = await measure(() => readFile(file.path).then((buffer) => buffer.length));
			rows.push({
				sizeMb,
				file: { size: file.size, gcodeBytes: file.gcodeBytes },
				samples,
				readFileRssGrowth: whole.rssGrowth,
			});
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}
	console.log(
		`Inspect toolpath on UFPs read through a 1 MiB-chunk file stream; ${ROUNDS} rounds after a warm-up; node ${process.version}; shared 2-core machine.\n`,
	);
	console.log(
		'| UFP size | model.gcode inflated | wall, median (min–max) | peak RSS growth | peak heap growth | bytes read (opens) | fs.readFile RSS growth |',
	);
	console.log('|---:|---:|---:|---:|---:|---:|---:|');
	for (const row of rows) {
		const { samples } = row;
		console.log(
			`| ${mb(row.file.size)} MB | ${mb(row.file.gcodeBytes)} MB | ${spread(
				samples.map((s) => s.seconds),
				(v) => `${v.toFixed(2)} s`,
			)} | ${spread(
				samples.map((s) => s.rssGrowth),
				(v) => `${mb(v)} MB`,
			)} | ${spread(
				samples.map((s) => s.heapGrowth),
				(v) => `${mb(v)} MB`,
			)} | ${mb(samples[0]!.bytesRead)} MB (${samples[0]!.opens}) | ${mb(row.readFileRssGrowth)} MB |`,
		);
	}
	mkdirSync(join(__dirname, '..', '.bench'), { recursive: true });
	writeFileSync(
		join(__dirname, '..', '.bench', 'toolpath.json'),
		`${JSON.stringify({ at: new Date().toISOString(), node: process.version, chunkBytes: STREAM_CHUNK_BYTES, rows }, null, 2)}\n`,
	);
}

if (process.argv[2] === '--generate') {
	writeLargeUfp(Number(process.argv[3]), process.argv[4])
		.then((file) =>
			console.log(JSON.stringify({ path: file.path, size: file.size, gcodeBytes: file.gcodeBytes })),
		)
		.catch((error) => {
			console.error(error);
			process.exit(1);
		});
} else {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
