/**
 * Workflow fan-out benchmark (`npm run bench -- workflow`): List clusters → Send print for 1,000 input items
 * (each sends the same already-uploaded job to one of the clusters, round-robin), run through the action
 * node's real `execute` in n8n-core's ExecuteContext (test/helpers/n8nContext.ts) against the emulator running
 * in a CHILD process (so its CPU and memory are not counted as the node's).
 *
 * Baselines, in the same run against the same emulator (state reset before each phase so every phase starts
 * from an empty queue):
 * - raw POST: the same 1,000 `POST /connect/v1/clusters/{id}/print/{job_id}` with plain Node `http`
 *   (keep-alive global agent), one after another;
 * - raw status+POST: the same 2,000 requests the node makes (Send print reads the cluster status before each
 *   POST so a lost answer can be recovered without printing twice).
 * Per-item overhead = (node time − baseline time) / 1,000. Peak RSS of this process is sampled every 10 ms
 * during the node phase. BENCH_ITEMS=n changes the item count. Prints a Markdown table, writes
 * .bench/workflow.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

// With `.ts`: tsx would resolve `….node` to the codex file `….node.json` next to it.
import { UltimakerDigitalFactory } from '../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node.ts';
import { EmulatorClient } from '../emulator/client';
import { runNode } from '../test/helpers/n8nContext';
import { startEmulatorChild } from './lib/emulatorChild';

const ROOT = join(__dirname, '..');
const ITEMS = Number(process.env.BENCH_ITEMS ?? 1000);
const TOKEN = 'umapi-emulator-token-0001|main';
const REPEATS = 3;

interface Reply {
	status: number;
	json: any;
}

/** The measured raw baseline: plain Node `http` on the keep-alive global agent (not the emulator client, which opens a connection per request). */
function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
		const allHeaders: Record<string, string | number> = { Authorization: `Bearer ${TOKEN}`, ...headers };
		if (payload !== undefined) {
			allHeaders['Content-Type'] ??= 'application/json';
			allHeaders['Content-Length'] = Buffer.byteLength(payload);
		}
		const req = request(url, { method, headers: allHeaders }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json: any;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode ?? 0, json });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(payload);
	});
}


/** Fresh farm, queues that take every print, one uploaded job. */
async function prepare(apiUrl: string): Promise<{ jobId: string; clusterIds: string[] }> {
	const emulator = new EmulatorClient(apiUrl, TOKEN);
	await emulator.reset();
	const clusters = await emulator.clusters();
	for (const cluster of clusters) await emulator.updateCluster(cluster.cluster_id, { queue_limit: 1_000_000 });
	const jobId = await emulator.uploadJob('fanout.gcode', ';FLAVOR:Griffin\n;PRINT.TIME:600\nG28\n');
	await emulator.clearRequests();
	return { jobId, clusterIds: clusters.map((cluster) => cluster.cluster_id as string) };
}

async function countPrints(apiUrl: string, jobId: string): Promise<number> {
	const state = await new EmulatorClient(apiUrl, TOKEN).state();
	return state.clusters.reduce((prints, cluster) => prints + cluster.print_jobs.filter((job) => job.cloud_job_id === jobId).length, 0);
}

async function requestCount(apiUrl: string): Promise<number> {
	return (await new EmulatorClient(apiUrl, TOKEN).requests()).length;
}

function fanOut(clusterIds: string[], jobId: string): INodeExecutionData[] {
	return Array.from({ length: ITEMS }, (_, index) => ({ json: { cluster_id: clusterIds[index % clusterIds.length], job_id: jobId } }));
}

async function nodePhase(apiUrl: string) {
	const { jobId } = await prepare(apiUrl);
	const credentials = { ultimakerDigitalFactoryApi: { apiToken: TOKEN, baseUrl: apiUrl } };
	const node = new UltimakerDigitalFactory();
	global.gc?.();
	const rssBefore = process.memoryUsage().rss;
	let peakRss = rssBefore;
	const sampler = setInterval(() => {
		peakRss = Math.max(peakRss, process.memoryUsage().rss);
	}, 10);
	const started = performance.now();
	const listed = await runNode({ nodeType: node, parameters: { authentication: 'apiToken', resource: 'cluster', operation: 'getMany', returnAll: true }, credentials });
	const listMs = performance.now() - started;
	const items = fanOut(
		listed[0].map((item) => String(item.json.cluster_id)),
		jobId,
	);
	const sendStarted = performance.now();
	const sentOut = await runNode({
		nodeType: node,
		parameters: {
			authentication: 'apiToken',
			resource: 'print',
			operation: 'send',
			clusterId: { __rl: true, mode: 'id', value: '={{ $json.cluster_id }}' },
			jobId: '={{ $json.job_id }}',
		},
		items,
		credentials,
	});
	const sendMs = performance.now() - sendStarted;
	clearInterval(sampler);
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
	const queued = sentOut[0].filter((item) => item.json.status === 'queued').length;
	const requests = await requestCount(apiUrl);
	const prints = await countPrints(apiUrl, jobId);
	if (queued !== ITEMS || prints !== ITEMS) throw new Error(`node phase: ${queued} queued outputs, ${prints} prints for ${ITEMS} items`);
	return { listMs, sendMs, totalMs: listMs + sendMs, requests, rssBefore, peakRss };
}

async function rawPhase(apiUrl: string, withStatus: boolean) {
	const { jobId, clusterIds } = await prepare(apiUrl);
	const started = performance.now();
	for (let index = 0; index < ITEMS; index++) {
		const cluster = encodeURIComponent(clusterIds[index % clusterIds.length]);
		if (withStatus) {
			const status = await call('GET', `${apiUrl}/connect/v1/clusters/${cluster}/status`);
			if (status.status !== 200) throw new Error(`status ${status.status}`);
		}
		const reply = await call('POST', `${apiUrl}/connect/v1/clusters/${cluster}/print/${encodeURIComponent(jobId)}`);
		if (reply.status !== 200) throw new Error(`print ${reply.status}`);
	}
	const ms = performance.now() - started;
	const prints = await countPrints(apiUrl, jobId);
	if (prints !== ITEMS) throw new Error(`raw phase: ${prints} prints`);
	return { ms, requests: await requestCount(apiUrl) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

async function main(): Promise<void> {
	const { child, apiUrl } = await startEmulatorChild('workflow-bench');
	try {
		// Warm-up (JIT, module loading, n8n-core's first-use setup) — not measured.
		await nodePhase(apiUrl);
		const node: Awaited<ReturnType<typeof nodePhase>>[] = [];
		const rawPost: Awaited<ReturnType<typeof rawPhase>>[] = [];
		const rawPair: Awaited<ReturnType<typeof rawPhase>>[] = [];
		for (let repeat = 0; repeat < REPEATS; repeat++) {
			rawPost.push(await rawPhase(apiUrl, false));
			rawPair.push(await rawPhase(apiUrl, true));
			node.push(await nodePhase(apiUrl));
		}
		const nodeSend = median(node.map((run) => run.sendMs));
		const nodeTotal = median(node.map((run) => run.totalMs));
		const listMs = median(node.map((run) => run.listMs));
		const postMs = median(rawPost.map((run) => run.ms));
		const pairMs = median(rawPair.map((run) => run.ms));
		const peakRss = Math.max(...node.map((run) => run.peakRss));
		const rssGrowth = Math.max(...node.map((run) => run.peakRss - run.rssBefore));
		const figures = {
			items: ITEMS,
			repeats: REPEATS,
			node: { totalMs: nodeTotal, listClustersMs: listMs, sendMs: nodeSend, msPerItem: nodeSend / ITEMS, requests: node[0].requests },
			rawPost: { ms: postMs, msPerRequest: postMs / ITEMS, requests: rawPost[0].requests },
			rawStatusAndPost: { ms: pairMs, msPerItem: pairMs / ITEMS, requests: rawPair[0].requests },
			overheadMsPerItem: { vsRawPost: (nodeSend - postMs) / ITEMS, vsRawStatusAndPost: (nodeSend - pairMs) / ITEMS },
			peakRssBytes: peakRss,
			peakRssGrowthBytes: rssGrowth,
			runs: { node, rawPost, rawPair },
		};
		mkdirSync(join(ROOT, '.bench'), { recursive: true });
		writeFileSync(join(ROOT, '.bench', 'workflow.json'), JSON.stringify(figures, null, 2));
		console.log(`List clusters → Send print, ${ITEMS} items, median of ${REPEATS} runs (emulator in a child process)\n`);
		console.log('| measure | value |');
		console.log('|---|---|');
		console.log(`| node: total (List clusters + Send print × ${ITEMS}) | ${nodeTotal.toFixed(0)} ms |`);
		console.log(`| node: List clusters (1 request) | ${listMs.toFixed(1)} ms |`);
		console.log(`| node: Send print × ${ITEMS} (${node[0].requests - 1} requests: status + POST per item) | ${nodeSend.toFixed(0)} ms = ${(nodeSend / ITEMS).toFixed(2)} ms/item |`);
		console.log(`| raw http: ${ITEMS} POST print | ${postMs.toFixed(0)} ms = ${(postMs / ITEMS).toFixed(2)} ms/request |`);
		console.log(`| raw http: ${ITEMS} × (GET status + POST print), the node's request sequence | ${pairMs.toFixed(0)} ms = ${(pairMs / ITEMS).toFixed(2)} ms/item |`);
		console.log(`| node overhead per item vs raw POST | ${((nodeSend - postMs) / ITEMS).toFixed(2)} ms |`);
		console.log(`| node overhead per item vs raw status+POST | ${((nodeSend - pairMs) / ITEMS).toFixed(2)} ms |`);
		console.log(`| peak RSS of the node process (growth during the run) | ${mb(peakRss)} MiB (+${mb(rssGrowth)} MiB) |`);
	} finally {
		child.kill('SIGTERM');
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
