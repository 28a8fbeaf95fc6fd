/**
 * What the trigger remembers between polls, with named fields, and its compact JSON form in the workflow's
 * static data. This file is the one that knows the short keys: `RememberedCluster` reads a saved cluster,
 * `NextCluster` collects what to save and writes it back — reusing the saved form of everything that did not
 * change — and `knownClusters` lists the saved clusters with their names, host_guids and former ids (what trigger/poll.ts reads of it).
 */
import type { ApiMaterial } from '../status/model';
import { progressPercent } from '../status/phases';
import { SMALL } from './lists';
import { parseTime } from './snapshot';

export interface Extruder {
	index: number;
	printCore: string | null;
	material: Required<ApiMaterial> | null;
}

export interface PrinterMemory {
	name: string | null;
	/**
	 * The printer's `unique_name` (its network host name, `ultimakersystem-…`): a factory reset gives the printer a
	 * new uuid but not a new unique_name, so this is how the same printer is recognised under its new uuid. null in
	 * states saved before it was kept (or when the API gives none).
	 */
	uniqueName: string | null;
	variant: string | null;
	/** Last status seen while reachable (`disabled` while the printer is not enabled). */
	status: string | null;
	maintenanceRequired: boolean;
	extruders: Extruder[];
	/** Consecutive polls in which the printer was unreachable. */
	missedPolls: number;
	/** printer.offline was emitted and printer.online not yet. */
	offlineReported: boolean;
}

export interface JobMemory {
	status: string | null;
	name: string | null;
	cloudJobId: string | null;
	owner: string | null;
	/** The printer the job is on or assigned to. */
	printerUuid: string | null;
	elapsed: number | null;
	total: number | null;
	/** job.started was emitted (or the job had already started at the baseline). */
	started: boolean;
	/**
	 * The highest progress (percent) this trigger has accounted for: milestones at or below it are never announced
	 * (again). Set at first sight, raised while the print runs. null: unknown (no total yet).
	 */
	peakProgress: number | null;
}

// ---- the compact form (JSON in static data) ----

/** [extruder_index, print_core_id, material as [guid, brand, color, material] or null] */
export type ExtruderState = [number, string | null, MaterialTuple | null];
export type MaterialTuple = [string | null, string | null, string | null, string | null];

export interface PrinterState {
	n: string | null;
	/** unique_name, when known (absent in states saved before it was kept) */
	u?: string;
	v: string | null;
	s: string | null;
	mr?: 1;
	x: ExtruderState[];
	m?: number;
	off?: 1;
}

export interface JobState {
	s: string | null;
	n: string | null;
	c: string | null;
	o: string | null;
	p?: string;
	e: number | null;
	t: number | null;
	st?: 1;
	/**
	 * peakProgress, only when it is not the progress `e`/`t` give (the usual case has none). States saved before
	 * milestones existed have no `h`: their peak is the progress last seen, which is exactly what was accounted then.
	 */
	h?: number | null;
}

export interface ClusterState {
	n: string | null;
	/**
	 * The cluster's host_guid, when known. Absent in states saved before clusters were followed by host: such a
	 * cluster is matched by its id (the record's key) until a poll records its host_guid.
	 */
	hg?: string;
	/**
	 * Former cluster_ids of this cluster (most recent last, a few at most), kept when it was followed to a new id by
	 * its host_guid, so a trigger whose selection still names an old id keeps finding it.
	 */
	a?: string[];
	/**
	 * The previous look's `generated_time`, never later than n8n's time then (diff.ts). Read only for a state without
	 * `nc` (saved by a release before it was kept), for the one poll that writes `nc`; still written so such a release
	 * reading this state keeps working.
	 */
	g: string | null;
	/**
	 * The newest `created_at` among the jobs listed at the previous look, as the API gave it — on the clock of every
	 * job's `created_at` (the printer's on the local network, Digital Factory's on the cloud), which `g` on the local
	 * network is not (n8n's). null: that look listed no job (with a readable `created_at`). A job first seen already
	 * ended and created before it is old history coming back into the 10-job window (jobs.ts). Absent in states saved
	 * before it was kept, and while no look has listed the cluster's jobs: then `g` stands in.
	 */
	nc?: string | null;
	p: Record<string, PrinterState>;
	j: Record<string, JobState>;
	d: string[];
}

export interface TriggerState {
	v: 1;
	c: Record<string, ClusterState>;
}

/** Accepts whatever came out of static data; anything unrecognisable counts as "no previous state". */
export function isTriggerState(value: unknown): value is TriggerState {
	if (!value || typeof value !== 'object') return false;
	const candidate = value as Partial<TriggerState>;
	return candidate.v === 1 && !!candidate.c && typeof candidate.c === 'object';
}

export function emptyState(): TriggerState {
	return { v: 1, c: {} };
}

/**
 * Ids are the API's and may be anything, `__proto__` included: n8n copies static data by assigning keys, which
 * would turn such a key into a prototype. Those keys (and keys starting with the escape) are stored escaped.
 */
const ESCAPE = '~';
const encodeKey = (id: string) => (id === '__proto__' || id.startsWith(ESCAPE) ? `${ESCAPE}${id}` : id);
const decodeKey = (key: string) => (key.startsWith(ESCAPE) ? key.slice(ESCAPE.length) : key);

function loadPrinter(state: PrinterState): PrinterMemory {
	const printer: PrinterMemory = {
		name: state.n ?? null,
		uniqueName: typeof state.u === 'string' ? state.u : null,
		variant: state.v ?? null,
		status: state.s ?? null,
		maintenanceRequired: state.mr === 1,
		extruders: (Array.isArray(state.x) ? state.x : []).map(([index, printCore, material]) => ({
			index,
			printCore,
			material: material ? { guid: material[0], brand: material[1], color: material[2], material: material[3] } : null,
		})),
		missedPolls: state.m ?? 0,
		offlineReported: state.off === 1,
	};
	return printer;
}

function savePrinter(printer: PrinterMemory, savedExtruders: ExtruderState[] | undefined): PrinterState {
	const state: PrinterState = {
		n: printer.name,
		v: printer.variant,
		s: printer.status,
		x: savedExtruders ?? printer.extruders.map(({ index, printCore, material }) => [index, printCore, material ? [material.guid, material.brand, material.color, material.material] : null]),
	};
	if (printer.uniqueName !== null) state.u = printer.uniqueName;
	if (printer.maintenanceRequired) state.mr = 1;
	if (printer.missedPolls > 0) state.m = printer.missedPolls;
	if (printer.offlineReported) state.off = 1;
	return state;
}

function loadJob(state: JobState): JobMemory {
	const job: JobMemory = {
		status: state.s ?? null,
		name: state.n ?? null,
		cloudJobId: state.c ?? null,
		owner: state.o ?? null,
		printerUuid: state.p ?? null,
		elapsed: state.e ?? null,
		total: state.t ?? null,
		started: state.st === 1,
		peakProgress: state.h !== undefined ? state.h : progressPercent(state.e ?? null, state.t ?? null),
	};
	return job;
}

function saveJob(job: JobMemory): JobState {
	const state: JobState = { s: job.status, n: job.name, c: job.cloudJobId, o: job.owner, e: job.elapsed, t: job.total };
	if (job.printerUuid) state.p = job.printerUuid;
	if (job.started) state.st = 1;
	if (job.peakProgress !== progressPercent(job.elapsed, job.total)) state.h = job.peakProgress;
	return state;
}

/**
 * A record keyed by API ids, for the saved state: without a prototype, so V8 keeps it as a hash table from the
 * start. A plain `{}` gets a hidden class of its own for every new sequence of keys, and ids are unique: building
 * the saved state that way allocated most of a poll's memory (`npm run bench -- trigger`).
 */
function idRecord<T>(): Record<string, T> {
	return Object.create(null) as Record<string, T>;
}

/** Saved printers or jobs of one cluster, decoded, by id. */
function decodeAll<S, M>(record: Record<string, S> | undefined, decode: (state: S) => M): Map<string, M> {
	const decoded = new Map<string, M>();
	if (!record || typeof record !== 'object') return decoded;
	for (const key of Object.keys(record)) decoded.set(decodeKey(key), decode(record[key]));
	return decoded;
}

/**
 * A cluster as saved after the previous poll: its printers and jobs decoded, and their saved form kept so an entry
 * that did not change is written back as it was read. Entries sit in built-in maps, not in a small class of our
 * own over arrays: V8 threw such a class's optimised code away at every full GC (why: snapshot.ts).
 */
export class RememberedCluster {
	readonly name: string | null;
	readonly hostGuid: string | null;
	readonly formerIds: readonly string[];
	readonly generatedTime: string | null;
	/** `nc` as saved: undefined when absent. */
	readonly newestCreated: string | null | undefined;
	readonly printers: ReadonlyMap<string, PrinterMemory>;
	readonly jobs: ReadonlyMap<string, JobMemory>;
	readonly ended: readonly string[];
	private endedSet: Set<string> | undefined;
	/** historyBefore(), NaN included, once asked. */
	private historyBeforeMs: number | undefined;

	constructor(
		private readonly state: ClusterState,
		/** The id it was saved under. */
		readonly clusterId: string,
	) {
		this.name = state.n ?? null;
		this.formerIds = Array.isArray(state.a) ? state.a.filter((id) => typeof id === 'string') : [];
		this.hostGuid = typeof state.hg === 'string' && state.hg !== '' ? state.hg : null;
		this.generatedTime = state.g ?? null;
		this.newestCreated = state.nc === undefined ? undefined : typeof state.nc === 'string' ? state.nc : null;
		this.printers = decodeAll(state.p, loadPrinter);
		this.jobs = decodeAll(state.j, loadJob);
		this.ended = Array.isArray(state.d) ? state.d : [];
	}

	/**
	 * A job first seen already ended and created before this time (ms) was listable at the previous look: old history
	 * coming back. The newest `created_at` then listed; for a state without one, `generatedTime` (as the release that
	 * saved it compared); NaN — nothing comes back — when that look listed no job or the time is unreadable.
	 */
	historyBefore(): number {
		this.historyBeforeMs ??= parseTime(this.newestCreated === undefined ? this.generatedTime : this.newestCreated) ?? Number.NaN;
		return this.historyBeforeMs;
	}

	hasEnded(key: string): boolean {
		if (this.ended.length <= SMALL) return this.ended.includes(key);
		this.endedSet ??= new Set(this.ended);
		return this.endedSet.has(key);
	}

	/**
	 * The saved form of a printer, reusing what was read: its saved row when `printer` is exactly what was decoded
	 * (nothing changed), else a new row that keeps the saved extruders when those did not change.
	 */
	printerState(uuid: string, printer: PrinterMemory): PrinterState {
		const decoded = this.printers.get(uuid);
		if (!decoded) return savePrinter(printer, undefined);
		const row = this.state.p[encodeKey(uuid)];
		if (decoded === printer) return row;
		return savePrinter(printer, decoded.extruders === printer.extruders && Array.isArray(row.x) ? row.x : undefined);
	}

	savedJob(uuid: string, job: JobMemory): JobState | undefined {
		return this.jobs.get(uuid) === job ? this.state.j[encodeKey(uuid)] : undefined;
	}
}

/** What to save for a cluster after this poll. */
export class NextCluster {
	readonly printers = new Map<string, PrinterMemory>();
	readonly jobs = new Map<string, JobMemory>();
	readonly ended = new Set<string>();
	/** Former cluster_ids to remember (ClusterState.a). */
	formerIds: readonly string[];
	/** ClusterState.nc: set by a look that lists the jobs, else the remembered one (undefined: none to save). */
	newestCreated: string | null | undefined;

	constructor(
		readonly name: string | null,
		readonly generatedTime: string | null,
		private readonly before?: RememberedCluster,
		/** The host_guid to remember: the one observed, else the remembered one. */
		readonly hostGuid: string | null = before?.hostGuid ?? null,
	) {
		this.formerIds = before?.formerIds ?? [];
		this.newestCreated = before?.newestCreated;
	}

	/** Marks a job as ended (once). */
	end(key: string): void {
		this.ended.add(key);
	}

	/** Keeps the printers, or the jobs and ended jobs, of a remembered cluster as they are. */
	keep(before: RememberedCluster, what: 'printers' | 'jobs'): void {
		if (what === 'printers') for (const [uuid, printer] of before.printers.entries()) this.printers.set(uuid, printer);
		else {
			for (const [uuid, job] of before.jobs.entries()) this.jobs.set(uuid, job);
			for (const key of before.ended) this.end(key);
		}
	}

	toState(): ClusterState {
		const p = idRecord<PrinterState>();
		const j = idRecord<JobState>();
		// Safe to assign: an encoded key is never `__proto__`.
		for (const [uuid, printer] of this.printers) p[encodeKey(uuid)] = this.before?.printerState(uuid, printer) ?? savePrinter(printer, undefined);
		for (const [uuid, job] of this.jobs) j[encodeKey(uuid)] = this.before?.savedJob(uuid, job) ?? saveJob(job);
		const state: ClusterState = { n: this.name, g: this.generatedTime, p, j, d: [...this.ended] };
		if (this.newestCreated !== undefined) state.nc = this.newestCreated;
		if (this.hostGuid !== null) state.hg = this.hostGuid;
		if (this.formerIds.length > 0) state.a = [...this.formerIds];
		return state;
	}
}

/** The saved clusters by id, decoded. */
export function loadState(stored: TriggerState | undefined): Map<string, RememberedCluster> {
	const clusters = new Map<string, RememberedCluster>();
	const record = stored?.c;
	if (!record || typeof record !== 'object') return clusters;
	for (const key of Object.keys(record)) clusters.set(decodeKey(key), new RememberedCluster(record[key], decodeKey(key)));
	return clusters;
}

/**
 * The clusters a saved state remembers, by id, with the name saved for each: what a poll that cannot read the
 * cluster list still knows. Ids are decoded (an id saved escaped, such as `__proto__`, comes back as it was).
 */
export function knownClusters(
	stored: TriggerState | undefined,
): Array<{ cluster_id: string; friendly_name: string | null; host_guid: string | null; former_ids: string[] }> {
	const record = stored?.c;
	if (!record || typeof record !== 'object') return [];
	return Object.keys(record).map((key) => {
		const cluster = record[key];
		return {
			cluster_id: decodeKey(key),
			friendly_name: cluster?.n ?? null,
			// Absent in states saved before clusters were followed by host.
			host_guid: typeof cluster?.hg === 'string' ? cluster.hg : null,
			former_ids: Array.isArray(cluster?.a) ? cluster.a.filter((id) => typeof id === 'string') : [],
		};
	});
}

export function saveState(clusters: Map<string, NextCluster>): TriggerState {
	const c = idRecord<ClusterState>();
	for (const [clusterId, cluster] of clusters) c[encodeKey(clusterId)] = cluster.toState();
	return { v: 1, c };
}
