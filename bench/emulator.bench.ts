/**
 * Emulator benchmark (`npm run bench -- emulator`):
 * 1. Memory while receiving a 1 GiB upload (BENCH_UPLOAD_GIB=n for another size): the emulator runs in a CHILD process (`node --import tsx
 *    emulator/cli.ts`); a 1 GiB body generated on the fly (one 1 MiB buffer repeated) is PUT to its signed
 *    storage URL while the child's VmRSS (/proc/<pid>/status) is sampled every 20 ms. Reports the RSS growth
 *    over the idle baseline (target ≤ 64 MB) and the throughput.
 * 2. Load: sustained requests/s and p50/p99 latency of `GET /connect/v1/clusters/{id}/status` with N = 1, 8,
 *    32 concurrent keep-alive clients, 5 s each, on loopback.
 * Prints a Markdown table and writes .bench/emulator.json.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { EmulatorClient } from '../emulator/client';
import { startEmulatorChild } from './lib/emulatorChild';

const ROOT = join(__dirname, '..');
const UPLOAD_BYTES = Number(process.env.BENCH_UPLOAD_GIB ?? 1) * 1024 ** 3;
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const CONCURRENCY = [1, 8, 32];
const TOKEN = 'umapi-emulator-token-0001|main';

function rssBytes(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = /VmRSS:\s+(\d+) kB/.exec(status);
	return kb ? Number(kb[1]) * 1024 : 0;
}


/** The load generator's request (keep-alive agent, measured): not the emulator client, which opens a connection per request. */
function call(method: string, url: string, body?: unknown, agent?: Agent): Promise<{ status: number; json: any }> {
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : JSON.stringify(body);
		const req = request(url, {
			method,
			agent,
			headers: { Authorization: `Bearer ${TOKEN}`, ...(payload ? { 'Content-Type': 'application/json' } : {}) },
		}, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString();
				resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(payload);
	});
}

/** A 1 GiB G-code-looking body: a header, then one 1 MiB block repeated, exact length. */
function gcodeBody(total: number): Readable {
	const header = Buffer.from(';FLAVOR:Griffin\n;TARGET_MACHINE.NAME:Ultimaker S5\n;PRINT.TIME:7200\n;END_OF_HEADER\n');
	const block = Buffer.alloc(1024 * 1024, 'G1 X10.000 Y10.000 E1.00000\n');
	let sent = 0;
	return new Readable({
		read() {
			if (sent >= total) return void this.push(null);
			const chunk = sent === 0 ? Buffer.concat([header, block.subarray(header.length)]) : block;
			const part = chunk.subarray(0, Math.min(chunk.length, total - sent));
			sent += part.length;
			this.push(part);
		},
	});
}

async function uploadBench(child: ChildProcess, apiUrl: string) {
	const pid = child.pid!;
	const emulator = new EmulatorClient(apiUrl, TOKEN);
	// Warm up: a few API calls so lazy initialisation is not counted as upload cost.
	for (let i = 0; i < 20; i++) await emulator.clusters();
	await emulator.uploadJob('warm', Buffer.alloc(1024, 'G'));
	await new Promise((r) => setTimeout(r, 500));
	const baseline = rssBytes(pid);
	const registered = await emulator.registerJob({ job_name: 'bench-1GiB', file_size: UPLOAD_BYTES, content_type: 'text/plain', origin: 'http://127.0.0.1' });
	let peak = baseline;
	const sampler = setInterval(() => {
		peak = Math.max(peak, rssBytes(pid));
	}, 20);
	const started = process.hrtime.bigint();
	const { status } = await emulator.putToStorage(registered.upload_url, gcodeBody(UPLOAD_BYTES), {
		'Content-Type': 'text/plain',
		'Content-Length': UPLOAD_BYTES,
		Origin: 'http://127.0.0.1',
	});
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	clearInterval(sampler);
	peak = Math.max(peak, rssBytes(pid));
	const job = await emulator.data('GET', `/cura/v1/jobs/${encodeURIComponent(registered.job_id)}`);
	if (status !== 200 || job.status !== 'uploaded') throw new Error(`upload did not complete: ${status} ${job.status}`);
	return {
		bytes: UPLOAD_BYTES,
		seconds,
		throughputMiBps: UPLOAD_BYTES / 2 ** 20 / seconds,
		baselineRssMiB: baseline / 2 ** 20,
		peakRssMiB: peak / 2 ** 20,
		rssGrowthMiB: (peak - baseline) / 2 ** 20,
		jobStatus: job.status as string,
	};
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function loadBench(apiUrl: string, clusterId: string, clients: number) {
	const agent = new Agent({ keepAlive: true, maxSockets: clients });
	const url = `${apiUrl}/connect/v1/clusters/${encodeURIComponent(clusterId)}/status`;
	const latencies: number[] = [];
	let errors = 0;
	const deadline = Date.now() + LOAD_SECONDS * 1000;
	const started = process.hrtime.bigint();
	await Promise.all(
		Array.from({ length: clients }, async () => {
			while (Date.now() < deadline) {
				const t0 = process.hrtime.bigint();
				try {
					const reply = await call('GET', url, undefined, agent);
					if (reply.status !== 200) errors++;
				} catch {
					errors++;
				}
				latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
			}
		}),
	);
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	agent.destroy();
	latencies.sort((a, b) => a - b);
	return {
		clients,
		requests: latencies.length,
		errors,
		seconds,
		requestsPerSecond: latencies.length / seconds,
		p50ms: percentile(latencies, 50),
		p99ms: percentile(latencies, 99),
	};
}

async function main(): Promise<void> {
	const { child, apiUrl } = await startEmulatorChild('bench');
	try {
		const upload = await uploadBench(child, apiUrl);
		const clusters = await call('GET', `${apiUrl}/connect/v1/clusters`);
		const clusterId: string = clusters.json.data[0].cluster_id;
		const load = [];
		for (const n of CONCURRENCY) load.push(await loadBench(apiUrl, clusterId, n));

		console.log(`| ${(UPLOAD_BYTES / 1024 ** 3).toFixed(0)} GiB upload to the emulator (child process) | value |`);
		console.log('|---|---|');
		console.log(`| duration | ${upload.seconds.toFixed(2)} s |`);
		console.log(`| throughput | ${upload.throughputMiBps.toFixed(0)} MiB/s |`);
		console.log(`| RSS idle → peak | ${upload.baselineRssMiB.toFixed(1)} → ${upload.peakRssMiB.toFixed(1)} MiB |`);
		console.log(`| **RSS growth** (target ≤ 64 MB) | **${upload.rssGrowthMiB.toFixed(1)} MiB** |`);
		console.log(`| job status after upload | ${upload.jobStatus} |`);
		console.log('');
		console.log(`| GET …/status, keep-alive, ${LOAD_SECONDS} s | requests/s | p50 | p99 | errors |`);
		console.log('|---|---|---|---|---|');
		for (const row of load) {
			console.log(`| ${row.clients} client${row.clients > 1 ? 's' : ''} | ${row.requestsPerSecond.toFixed(0)} | ${row.p50ms.toFixed(2)} ms | ${row.p99ms.toFixed(2)} ms | ${row.errors} |`);
		}
		mkdirSync(join(ROOT, '.bench'), { recursive: true });
		writeFileSync(join(ROOT, '.bench', 'emulator.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, upload, load }, null, 2));
	} finally {
		child.kill('SIGTERM');
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
