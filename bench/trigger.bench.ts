/**
 * Trigger benchmark: cost of the pure diff per poll, size of the stored state, and requests per poll.
 *
 *   npm run bench -- trigger        (or: npx tsx --expose-gc bench/trigger.bench.ts)
 *   BENCH_DIFF_MODULE=<path to another build's core/events/index.js (trigger/diff/index.js before the core/ move)> …   compares another build's diff on the same input
 *   BENCH_BIG_SIZES=250,500 …   other sizes for the one big cluster (default 250,500,1000,2000)
 *   BENCH_DIFF_BASELINE=<path to another build's core/events/index.js (trigger/diff/index.js before the core/ move)> …   adds a paired run: the cold 100-cluster
 *     polls of both diffs in this one process, taking turns poll by poll on the same input, and the per-poll ratio
 *     (steadier than comparing two runs: the machine's noise hits both alike)
 *
 * Farms of 1, 10 and 100 printers (one printer per cluster, as Digital Factory usually registers them), each
 * cluster with a printing job, 2 queued jobs and 5 finished jobs in its history (100 printers → 500 history
 * jobs). Snapshots reuse the exact objects the emulator serves (recorded in test/fixtures/snapshots), with ids
 * varied; every poll advances the prints by 60 s, so jobs finish, the next ones start and history rolls over.
 * The diff is timed alone (snapshots are built, and their garbage collected with --expose-gc, before the clock
 * starts); the JSON save/load of the state that
 * n8n does between polls is timed separately. Requests per poll are counted by running the real node's poll()
 * (n8n-core PollContext) against the emulator with accounts of 1 to 1,000 clusters (the emulator runs in this
 * process, so CPU and heap figures include it: an upper bound for the node).
 * Big farms: one cluster of 250 to 2,000 printers whose jobs are attributed only through `assigned_to` and all
 * change on every poll — the case where a lookup per printer per job would grow quadratically.
 * Wall times depend on what else the machine runs; CPU times (user + system of this process) much less.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startEmulator } from '../emulator';
import type { ApiPrinterStatus, ApiPrintJobStatus, ClusterObservation, TriggerState } from '../nodes/UltimakerDigitalFactory/core/events';
// With `.ts`: tsx would resolve `….node` to the codex file `….node.json` next to it.
import { UltimakerDigitalFactoryTrigger } from '../nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node.ts';
import { triggerPoller } from '../test/helpers/triggerPoll';

// The diff as n8n runs it: the tsc build in dist/ (`npm run bench` builds first); the TypeScript source otherwise.
const DIST_EVENTS = process.env.BENCH_DIFF_MODULE ?? join(__dirname, '..', 'dist', 'nodes', 'UltimakerDigitalFactory', 'core', 'events', 'index.js');
const diffSource = process.env.BENCH_DIFF_MODULE ? DIST_EVENTS : existsSync(DIST_EVENTS) ? 'dist/ (tsc build)' : 'TypeScript source via tsx (run `npm run build` for dist)';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { diffSnapshots } = require(existsSync(DIST_EVENTS) ? DIST_EVENTS : '../nodes/UltimakerDigitalFactory/core/events') as typeof import('../nodes/UltimakerDigitalFactory/core/events');

const SIZES = [1, 10, 100];
const BIG_SIZES = (process.env.BENCH_BIG_SIZES ?? '250,500,1000,2000').split(',').map(Number);
const BIG_WARMUP = 5;
const BIG_POLLS = 20;
/** Account sizes for the real poll against the emulator (one printer per cluster). */
const REQUEST_SIZES = [1, 10, 100, 1000];
const WARMUP_POLLS = 30;
const MEASURED_POLLS = 300;
const HISTORY_PER_CLUSTER = 5;
const QUEUED_PER_CLUSTER = 2;
const POLL_SECONDS = 60;

// ---- real-shaped templates (what the emulator serves) ----
const recorded = JSON.parse(readFileSync(join(__dirname, '../test/fixtures/snapshots/lifecycle.json'), 'utf8')) as {
	polls: Array<{ observations: ClusterObservation[] }>;
};
const printingStatus = recorded.polls[2].observations[0].status!;
const PRINTER_TEMPLATE = printingStatus.printers![0];
const JOB_TEMPLATE = printingStatus.print_jobs![0];

interface SimJob {
	uuid: string;
	name: string;
	status: string;
	elapsed: number;
	total: number;
	createdAt: number;
}

interface SimCluster {
	id: string;
	printerUuid: string;
	active: SimJob;
	queue: SimJob[];
	history: SimJob[];
}

function uuidOf(prefix: number, n: number): string {
	const hex = (value: number, width: number) => value.toString(16).padStart(width, '0').slice(-width);
	return `${hex(prefix, 8)}-${hex(n >> 16, 4)}-4${hex(n, 3)}-8${hex(prefix * 7 + n, 3)}-${hex(n * 2654435761, 12)}`;
}

class SyntheticFarm {
	private clusters: SimCluster[] = [];
	private counter = 0;
	private now = Date.UTC(2026, 10, 25, 8, 0, 0);

	constructor(printers: number) {
		for (let i = 0; i < printers; i++) {
			const total = 1800 + ((i * 137) % 5400);
			const cluster: SimCluster = {
				id: `${Buffer.from(uuidOf(i, 0)).toString('base64').slice(0, 43)}=`,
				printerUuid: uuidOf(i, 1),
				active: { ...this.newJob(i), status: 'printing', total, elapsed: (i * 911) % total },
				queue: Array.from({ length: QUEUED_PER_CLUSTER }, () => this.newJob(i)),
				history: Array.from({ length: HISTORY_PER_CLUSTER }, () => ({ ...this.newJob(i), status: 'finished', elapsed: 3600, total: 3600 })),
			};
			this.clusters.push(cluster);
		}
	}

	private newJob(cluster: number): SimJob {
		this.counter++;
		return {
			uuid: uuidOf(cluster + 1000, this.counter),
			name: `part-${this.counter}.ufp`,
			status: 'queued',
			elapsed: 0,
			total: 2400 + (this.counter % 7) * 300,
			createdAt: this.now,
		};
	}

	/** Moves the farm on by one poll interval (prints progress, finish, the next job starts). */
	step(): void {
		this.now += POLL_SECONDS * 1000;
		this.clusters.forEach((cluster, index) => {
			const active = cluster.active;
			active.elapsed = Math.min(active.total, active.elapsed + POLL_SECONDS);
			if (active.elapsed >= active.total) {
				cluster.history.unshift({ ...active, status: 'finished' });
				cluster.history.length = HISTORY_PER_CLUSTER;
				cluster.active = { ...cluster.queue.shift()!, status: 'printing', elapsed: 0 };
				cluster.queue.push(this.newJob(index));
			}
		});
	}

	private render(job: SimJob, printerUuid: string, assigned: boolean): ApiPrintJobStatus {
		return {
			...structuredClone(JOB_TEMPLATE),
			uuid: job.uuid,
			cloud_job_id: `${job.uuid.replace(/-/g, '')}AbCdEf0123456789=`,
			name: job.name,
			status: job.status,
			created_at: new Date(job.createdAt).toISOString(),
			started: job.status !== 'queued',
			time_total: job.total,
			time_elapsed: job.elapsed,
			printer_uuid: assigned ? printerUuid : null,
			printed_on_uuid: assigned ? printerUuid : null,
			assigned_to: assigned ? 'S5 Alpha' : null,
		};
	}

	/** What one poll would receive: a fresh object graph per cluster, as JSON.parse of the HTTP bodies gives. */
	observe(): ClusterObservation[] {
		return this.clusters.map((cluster, index) => {
			const printer: ApiPrinterStatus = {
				...structuredClone(PRINTER_TEMPLATE),
				uuid: cluster.printerUuid,
				friendly_name: `S5 #${index + 1}`,
				status: 'printing',
				reserved_by: cluster.active.uuid,
			};
			return {
				cluster_id: cluster.id,
				friendly_name: `Farm bay ${index + 1}`,
				is_online: true,
				status: {
					generated_time: new Date(this.now).toISOString(),
					printers: [printer],
					print_jobs: [
						this.render(cluster.active, cluster.printerUuid, true),
						...cluster.queue.map((job) => this.render(job, cluster.printerUuid, false)),
						...cluster.history.map((job) => this.render(job, cluster.printerUuid, true)),
					],
				},
			};
		});
	}
}

// bench/run.ts passes --expose-gc to node, but tsx runs the file in a child process without it: enable it here.
setFlagsFromString('--expose-gc');
const noGc = () => undefined;
const collectGarbage = ((globalThis as { gc?: () => void }).gc ?? (runInNewContext('gc') as (() => void) | undefined)) ?? noGc;

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

interface DiffFigures {
	mode: 'warm' | 'cold';
	printers: number;
	historyJobs: number;
	diffMedianMs: number;
	diffP95Ms: number;
	diffMaxMs: number;
	/** CPU time of the diff (user + system), less sensitive to other load on the machine than wall time. */
	diffCpuMedianMs: number;
	saveLoadMedianMs: number;
	stateBytesMax: number;
	stateBytesPerPrinter: number;
	eventsPerPoll: number;
	snapshotBytesPerPoll: number;
}

function measureDiff(printers: number, forceGcBeforeEachPoll: boolean): DiffFigures {
	const farm = new SyntheticFarm(printers);
	const options = { offlineAfterMissedPolls: 3 };
	let state: TriggerState | undefined;
	const diffTimes: number[] = [];
	const cpuTimes: number[] = [];
	const saveLoadTimes: number[] = [];
	let stateBytesMax = 0;
	let events = 0;
	let snapshotBytes = 0;
	for (let poll = 0; poll < WARMUP_POLLS + MEASURED_POLLS; poll++) {
		farm.step();
		const observations = farm.observe();
		const measured = poll >= WARMUP_POLLS;
		if (measured && poll === WARMUP_POLLS) snapshotBytes = JSON.stringify(observations).length;
		const now = new Date(Date.UTC(2026, 10, 25, 10, 0, 0) + poll * POLL_SECONDS * 1000);
		// "cold": a full GC before each poll, as between two polls a minute apart in a busy n8n (V8 then also
		// drops inline caches); "warm": polls back to back, so the JIT-optimised diff at its fastest.
		if (forceGcBeforeEachPoll) collectGarbage();
		const cpuStart = process.cpuUsage();
		const started = performance.now();
		const result = diffSnapshots(state, observations, options, now);
		const diffed = performance.now();
		const cpu = process.cpuUsage(cpuStart);
		const json = JSON.stringify(result.state);
		state = JSON.parse(json) as TriggerState;
		const saved = performance.now();
		if (!measured) continue;
		diffTimes.push(diffed - started);
		cpuTimes.push((cpu.user + cpu.system) / 1000);
		saveLoadTimes.push(saved - diffed);
		stateBytesMax = Math.max(stateBytesMax, Buffer.byteLength(json));
		events += result.events.length;
	}
	diffTimes.sort((a, b) => a - b);
	cpuTimes.sort((a, b) => a - b);
	saveLoadTimes.sort((a, b) => a - b);
	const round = (value: number) => Math.round(value * 1000) / 1000;
	return {
		mode: forceGcBeforeEachPoll ? 'cold' : 'warm',
		printers,
		historyJobs: printers * HISTORY_PER_CLUSTER,
		diffMedianMs: round(percentile(diffTimes, 0.5)),
		diffP95Ms: round(percentile(diffTimes, 0.95)),
		diffMaxMs: round(diffTimes[diffTimes.length - 1]),
		diffCpuMedianMs: round(percentile(cpuTimes, 0.5)),
		saveLoadMedianMs: round(percentile(saveLoadTimes, 0.5)),
		stateBytesMax,
		stateBytesPerPrinter: Math.round(stateBytesMax / printers),
		eventsPerPoll: Math.round((events / MEASURED_POLLS) * 100) / 100,
		snapshotBytesPerPoll: snapshotBytes,
	};
}

interface BigFigures {
	printers: number;
	attribution: 'uuid' | 'name';
	diffMedianMs: number;
	diffCpuMedianMs: number;
	diffMaxMs: number;
	eventsPerPoll: number;
	stateBytes: number;
	stateBytesPerPrinter: number;
}

/** One cluster of `printers` printers whose jobs are attributed only through `assigned_to` and all change every poll. */
function bigClusterObservation(printers: number, poll: number, attribution: 'uuid' | 'name'): ClusterObservation[] {
	const paused = poll % 2 === 1;
	const printerList: ApiPrinterStatus[] = [];
	const jobs: ApiPrintJobStatus[] = [];
	for (let i = 0; i < printers; i++) {
		const uuid = uuidOf(i, 7);
		const name = `Bay ${i + 1}`;
		printerList.push({ ...structuredClone(PRINTER_TEMPLATE), uuid, unique_name: `ultimakersystem-${i}`, friendly_name: name, status: paused ? 'idle' : 'printing' });
		jobs.push({
			...structuredClone(JOB_TEMPLATE),
			uuid: uuidOf(i + 5000, 9),
			name: `part-${i}.ufp`,
			status: paused ? 'paused' : 'printing',
			started: true,
			time_total: 7200,
			time_elapsed: 60 * poll,
			printer_uuid: null,
			printed_on_uuid: null,
			assigned_to: attribution === 'uuid' ? uuid : name,
		});
	}
	const generated_time = new Date(Date.UTC(2026, 10, 25, 10, poll)).toISOString();
	return [{ cluster_id: 'big-cluster', friendly_name: 'Big farm', is_online: true, status: { generated_time, printers: printerList, print_jobs: jobs } }];
}

function measureBigCluster(printers: number, attribution: 'uuid' | 'name'): BigFigures {
	let state: TriggerState | undefined;
	const wall: number[] = [];
	const cpuTimes: number[] = [];
	let events = 0;
	let stateBytes = 0;
	for (let poll = 0; poll < BIG_WARMUP + BIG_POLLS; poll++) {
		const observations = bigClusterObservation(printers, poll, attribution);
		collectGarbage();
		const cpuStart = process.cpuUsage();
		const started = performance.now();
		const result = diffSnapshots(state, observations, { offlineAfterMissedPolls: 3 }, new Date(Date.UTC(2026, 10, 25, 10, poll, 30)));
		const elapsed = performance.now() - started;
		const cpu = process.cpuUsage(cpuStart);
		const json = JSON.stringify(result.state);
		state = JSON.parse(json) as TriggerState;
		if (poll < BIG_WARMUP) continue;
		wall.push(elapsed);
		cpuTimes.push((cpu.user + cpu.system) / 1000);
		events += result.events.length;
		stateBytes = Math.max(stateBytes, Buffer.byteLength(json));
	}
	wall.sort((a, b) => a - b);
	cpuTimes.sort((a, b) => a - b);
	const round = (value: number) => Math.round(value * 100) / 100;
	return {
		printers,
		attribution,
		diffMedianMs: round(percentile(wall, 0.5)),
		diffCpuMedianMs: round(percentile(cpuTimes, 0.5)),
		diffMaxMs: round(wall[wall.length - 1]),
		eventsPerPoll: Math.round(events / BIG_POLLS),
		stateBytes,
		stateBytesPerPrinter: Math.round(stateBytes / printers),
	};
}

interface RequestFigures {
	printers: number;
	requestsPerPoll: number;
	pollWallMs: number;
	pollCpuMs: number;
	heapGrowthBytes: number;
	stateBytes: number;
}

/** The real node against the emulator: requests per poll (from the emulator's log) and poll wall time. */
async function measureRequests(printers: number): Promise<RequestFigures> {
	const farmSpec = Array.from({ length: printers }, (_, i) => ({ friendly_name: `Bay ${i + 1}`, printers: [{ type: 'ultimaker_s5' }] }));
	const emulator = await startEmulator({ port: 0, storagePort: 0, seed: 'bench-trigger', speed: 0, farm: farmSpec, requestLogLimit: 100_000 });
	try {
		const { poll, staticData } = triggerPoller(new UltimakerDigitalFactoryTrigger(), emulator);
		await poll(); // baseline
		const polls = 5;
		const before = emulator.log.list().length;
		collectGarbage();
		const heapBefore = process.memoryUsage().heapUsed;
		let heapPeak = heapBefore;
		const cpuStart = process.cpuUsage();
		const started = performance.now();
		for (let i = 0; i < polls; i++) {
			await poll();
			heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
		}
		const wall = (performance.now() - started) / polls;
		const cpu = process.cpuUsage(cpuStart);
		const requests = (emulator.log.list().length - before) / polls;
		return {
			printers,
			requestsPerPoll: requests,
			pollWallMs: Math.round(wall * 10) / 10,
			pollCpuMs: Math.round((cpu.user + cpu.system) / 1000 / polls),
			heapGrowthBytes: heapPeak - heapBefore,
			stateBytes: JSON.stringify(staticData).length,
		};
	} finally {
		await emulator.close();
	}
}

interface PairedFigures {
	thisMedianMs: number;
	baselineMedianMs: number;
	/** Median over polls of this diff's time / the baseline's time on the same poll. */
	ratioMedian: number;
	ratioP25: number;
	ratioP75: number;
}

/** Cold 100-cluster polls of this diff and a baseline diff, alternating which goes first, each with its own farm and state. */
function measurePaired(baselinePath: string): PairedFigures {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const baseline = (require(baselinePath) as typeof import('../nodes/UltimakerDigitalFactory/core/events')).diffSnapshots;
	const runs = [diffSnapshots, baseline].map((diff) => ({ diff, farm: new SyntheticFarm(100), state: undefined as TriggerState | undefined, times: [] as number[] }));
	for (let poll = 0; poll < WARMUP_POLLS + MEASURED_POLLS; poll++) {
		const now = new Date(Date.UTC(2026, 10, 25, 10, 0, 0) + poll * POLL_SECONDS * 1000);
		for (const run of poll % 2 === 0 ? runs : [...runs].reverse()) {
			run.farm.step();
			const observations = run.farm.observe();
			collectGarbage();
			const started = performance.now();
			const result = run.diff(run.state, observations, { offlineAfterMissedPolls: 3 }, now);
			const elapsed = performance.now() - started;
			run.state = JSON.parse(JSON.stringify(result.state)) as TriggerState;
			if (poll >= WARMUP_POLLS) run.times.push(elapsed);
		}
	}
	const [mine, theirs] = runs;
	const ratios = mine.times.map((time, index) => time / theirs.times[index]).sort((a, b) => a - b);
	const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);
	const round = (value: number) => Math.round(value * 1000) / 1000;
	return {
		thisMedianMs: round(median(mine.times)),
		baselineMedianMs: round(median(theirs.times)),
		ratioMedian: round(percentile(ratios, 0.5)),
		ratioP25: round(percentile(ratios, 0.25)),
		ratioP75: round(percentile(ratios, 0.75)),
	};
}

async function main() {
	const diff = [...SIZES.map((size) => measureDiff(size, false)), ...SIZES.map((size) => measureDiff(size, true))];
	const big = BIG_SIZES.flatMap((size) => (['uuid', 'name'] as const).map((attribution) => measureBigCluster(size, attribution)));
	const requests: RequestFigures[] = [];
	for (const size of REQUEST_SIZES) requests.push(await measureRequests(size));

	console.log(
		`Pure diff (${diffSource}), ${MEASURED_POLLS} polls after ${WARMUP_POLLS} warm-up polls, one printer per cluster, each cluster: 1 printing + ${QUEUED_PER_CLUSTER} queued + ${HISTORY_PER_CLUSTER} finished jobs. warm = polls back to back; cold = full GC before each poll${collectGarbage === noGc ? ' (NOT APPLIED: run with --expose-gc)' : ''}.\n`,
	);
	console.log('| mode | printers | jobs in history | diff median | diff CPU median | diff p95 | diff max | state save+load median | state size (max) | per printer | events/poll | snapshot JSON/poll |');
	console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
	for (const f of diff) {
		console.log(
			`| ${f.mode} | ${f.printers} | ${f.historyJobs} | ${f.diffMedianMs} ms | ${f.diffCpuMedianMs} ms | ${f.diffP95Ms} ms | ${f.diffMaxMs} ms | ${f.saveLoadMedianMs} ms | ${(f.stateBytesMax / 1024).toFixed(1)} KB | ${f.stateBytesPerPrinter} B | ${f.eventsPerPoll} | ${(f.snapshotBytesPerPoll / 1024).toFixed(0)} KB |`,
		);
	}
	console.log(
		`\nBig farms: ONE cluster of N printers, each printing one job attributed only through \`assigned_to\` (a printer uuid, as Ultimaker's data has it, or a printer name), all changing together (every poll each printer and its job flip between printing and paused, so every printer and job has events). ${BIG_POLLS} polls after ${BIG_WARMUP} warm-up polls, full GC before each.\n`,
	);
	console.log('| printers (= jobs) | assigned_to | diff median | diff CPU median | diff max | events/poll | state size | per printer |');
	console.log('|---:|---|---:|---:|---:|---:|---:|---:|');
	for (const f of big) {
		console.log(`| ${f.printers} | ${f.attribution} | ${f.diffMedianMs} ms | ${f.diffCpuMedianMs} ms | ${f.diffMaxMs} ms | ${f.eventsPerPoll} | ${(f.stateBytes / 1024).toFixed(1)} KB | ${f.stateBytesPerPrinter} B |`);
	}
	console.log('\nReal node poll() (n8n-core PollContext) against the emulator on loopback, watching all clusters, 5 polls after the baseline:\n');
	console.log('| printers (= clusters) | HTTP requests per poll | poll wall time | poll CPU (node + in-process emulator) | heap growth | stored state |');
	console.log('|---:|---:|---:|---:|---:|---:|');
	for (const r of requests) {
		console.log(`| ${r.printers} | ${r.requestsPerPoll} | ${r.pollWallMs} ms | ${r.pollCpuMs} ms | ${(r.heapGrowthBytes / 2 ** 20).toFixed(1)} MiB | ${(r.stateBytes / 1024).toFixed(0)} KB |`);
	}

	const baselinePath = process.env.BENCH_DIFF_BASELINE;
	const paired = baselinePath ? measurePaired(baselinePath) : undefined;
	if (paired) {
		console.log(`\nPaired, cold, 100 one-printer clusters: this diff and ${baselinePath} in one process, taking turns poll by poll (${MEASURED_POLLS} polls after ${WARMUP_POLLS}).\n`);
		console.log('| this diff, median | baseline, median | ratio this / baseline per poll: median (p25–p75) |');
		console.log('|---:|---:|---:|');
		console.log(`| ${paired.thisMedianMs} ms | ${paired.baselineMedianMs} ms | ${paired.ratioMedian} (${paired.ratioP25}–${paired.ratioP75}) |`);
	}

	mkdirSync(join(__dirname, '..', '.bench'), { recursive: true });
	writeFileSync(join(__dirname, '..', '.bench', 'trigger.json'), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, diffSource, diff, big, requests, paired }, null, 2)}\n`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
