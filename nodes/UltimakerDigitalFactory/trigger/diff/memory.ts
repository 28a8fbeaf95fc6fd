/**
 * What the trigger remembers between polls, with named fields, and its compact JSON form in the workflow's
 * static data. The short keys exist only here: `loadState` reads them (also states saved by earlier versions),
 * `saveState` writes them. A 100-printer farm must stay well under 100 KB.
 */
import type { ApiMaterial } from '../../shared/api/types';

export interface Extruder {
	index: number;
	printCore: string | null;
	material: Required<ApiMaterial> | null;
}

export interface PrinterMemory {
	name: string | null;
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
}

export interface ClusterMemory {
	name: string | null;
	/** The last snapshot's time (server clock, never later than ours), to recognise history seen before. */
	generatedTime: string | null;
	printers: Map<string, PrinterMemory>;
	/** Jobs not yet in a terminal state. */
	jobs: Map<string, JobMemory>;
	/** terminalKey()s of ended jobs still in the history window (event emitted, or ended before the baseline). */
	ended: Set<string>;
}

export type Memory = Map<string, ClusterMemory>;

// ---- the compact form (JSON in static data) ----

/** [extruder_index, print_core_id, material as [guid, brand, color, material] or null] */
export type ExtruderState = [number, string | null, MaterialTuple | null];
export type MaterialTuple = [string | null, string | null, string | null, string | null];

export interface PrinterState {
	n: string | null;
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
}

export interface ClusterState {
	n: string | null;
	g: string | null;
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

function entriesOf<T>(record: Record<string, T> | undefined): Array<[string, T]> {
	return record && typeof record === 'object' ? Object.entries(record).map(([key, value]) => [decodeKey(key), value]) : [];
}

function recordOf<T, U>(map: Map<string, T>, encode: (value: T) => U): Record<string, U> {
	return Object.fromEntries([...map].map(([id, value]) => [encodeKey(id), encode(value)]));
}

const materialOf = (tuple: MaterialTuple | null): Extruder['material'] =>
	tuple ? { guid: tuple[0], brand: tuple[1], color: tuple[2], material: tuple[3] } : null;

function loadPrinter(state: PrinterState): PrinterMemory {
	return {
		name: state.n ?? null,
		variant: state.v ?? null,
		status: state.s ?? null,
		maintenanceRequired: state.mr === 1,
		extruders: (Array.isArray(state.x) ? state.x : []).map(([index, printCore, material]) => ({ index, printCore, material: materialOf(material) })),
		missedPolls: state.m ?? 0,
		offlineReported: state.off === 1,
	};
}

function savePrinter(printer: PrinterMemory): PrinterState {
	const state: PrinterState = {
		n: printer.name,
		v: printer.variant,
		s: printer.status,
		x: printer.extruders.map(({ index, printCore, material }) => [
			index,
			printCore,
			material ? [material.guid, material.brand, material.color, material.material] : null,
		]),
	};
	if (printer.maintenanceRequired) state.mr = 1;
	if (printer.missedPolls > 0) state.m = printer.missedPolls;
	if (printer.offlineReported) state.off = 1;
	return state;
}

function loadJob(state: JobState): JobMemory {
	return {
		status: state.s ?? null,
		name: state.n ?? null,
		cloudJobId: state.c ?? null,
		owner: state.o ?? null,
		printerUuid: state.p ?? null,
		elapsed: state.e ?? null,
		total: state.t ?? null,
		started: state.st === 1,
	};
}

function saveJob(job: JobMemory): JobState {
	const state: JobState = { s: job.status, n: job.name, c: job.cloudJobId, o: job.owner, e: job.elapsed, t: job.total };
	if (job.printerUuid) state.p = job.printerUuid;
	if (job.started) state.st = 1;
	return state;
}

export function loadState(stored: TriggerState | undefined): Memory {
	const memory: Memory = new Map();
	for (const [clusterId, cluster] of entriesOf(stored?.c)) {
		memory.set(clusterId, {
			name: cluster.n ?? null,
			generatedTime: cluster.g ?? null,
			printers: new Map(entriesOf(cluster.p).map(([uuid, printer]) => [uuid, loadPrinter(printer)])),
			jobs: new Map(entriesOf(cluster.j).map(([uuid, job]) => [uuid, loadJob(job)])),
			ended: new Set(Array.isArray(cluster.d) ? cluster.d : []),
		});
	}
	return memory;
}

export function saveState(memory: Memory): TriggerState {
	return {
		v: 1,
		c: recordOf(memory, (cluster) => ({
			n: cluster.name,
			g: cluster.generatedTime,
			p: recordOf(cluster.printers, savePrinter),
			j: recordOf(cluster.jobs, saveJob),
			d: [...cluster.ended],
		})),
	};
}
