/** Builders of the parts of an event item (DESIGN §4) from API snapshots or from the compact state. */
import { finiteOrNull, jobPhase, terminalOutcome } from './jobStatus';
import type {
	ApiMaterial,
	ApiPrintCore,
	ApiPrinterStatus,
	ApiPrintJobStatus,
	EventJob,
	EventPrinter,
	ExtruderState,
	JobState,
	MaterialTuple,
	PrinterState,
} from './types';

export function printerFromApi(printer: ApiPrinterStatus): EventPrinter {
	return {
		uuid: printer.uuid,
		friendly_name: printer.friendly_name ?? null,
		status: printer.status ?? null,
		machine_variant: printer.machine_variant ?? null,
	};
}

export function printerFromState(uuid: string, printer: PrinterState, status?: string): EventPrinter {
	return { uuid, friendly_name: printer.n, status: status ?? printer.s, machine_variant: printer.v };
}

interface JobFields {
	uuid: string;
	cloud_job_id: string | null;
	name: string | null;
	status: string | null;
	owner: string | null;
	time_elapsed: number | null;
	time_total: number | null;
}

/** progress, time_remaining and estimated_finish_at, derived the same way for API and state jobs. */
function withTimes(job: JobFields, referenceMs: number): EventJob {
	const elapsed = job.time_elapsed;
	const total = job.time_total;
	const phase = jobPhase(job.status);
	const finished = phase === 'terminal' && terminalOutcome(job) === 'finished';
	let progress: number | null = null;
	if (finished) progress = 100;
	else if (total !== null && total > 0) progress = Math.floor(Math.min(100, Math.max(0, ((elapsed ?? 0) / total) * 100)) * 10) / 10;
	else if (phase === 'queued') progress = 0;
	let remaining: number | null = null;
	if (finished) remaining = 0;
	else if (total !== null) remaining = Math.max(0, total - (elapsed ?? 0));
	// Only a print that is running has a meaningful finish estimate (paused or waiting ones depend on a person).
	const running = phase === 'active' && job.status !== 'aborting';
	const estimated = running && remaining !== null ? new Date(referenceMs + remaining * 1000).toISOString() : null;
	return {
		uuid: job.uuid,
		cloud_job_id: job.cloud_job_id,
		name: job.name,
		status: job.status,
		owner: job.owner,
		progress,
		time_elapsed: elapsed,
		time_total: total,
		time_remaining: remaining,
		estimated_finish_at: estimated,
	};
}

export function jobFromApi(job: ApiPrintJobStatus, referenceMs: number): EventJob {
	return withTimes(
		{
			uuid: job.uuid,
			cloud_job_id: job.cloud_job_id ?? null,
			name: job.name ?? null,
			status: job.status ?? null,
			owner: job.owner ?? null,
			time_elapsed: finiteOrNull(job.time_elapsed),
			time_total: finiteOrNull(job.time_total),
		},
		referenceMs,
	);
}

export function jobFromState(uuid: string, job: JobState, referenceMs: number): EventJob {
	return withTimes(
		{ uuid, cloud_job_id: job.c, name: job.n, status: job.s, owner: job.o, time_elapsed: job.e, time_total: job.t },
		referenceMs,
	);
}

export function jobStateFrom(job: ApiPrintJobStatus, printerUuid: string | null, started: boolean): JobState {
	const state: JobState = {
		s: job.status ?? null,
		n: job.name ?? null,
		c: job.cloud_job_id ?? null,
		o: job.owner ?? null,
		e: finiteOrNull(job.time_elapsed),
		t: finiteOrNull(job.time_total),
	};
	if (printerUuid) state.p = printerUuid;
	if (started) state.st = 1;
	return state;
}

// ---- extruders ----

export function materialTuple(material: ApiMaterial | null | undefined): MaterialTuple | null {
	if (!material) return null;
	return [material.guid ?? null, material.brand ?? null, material.color ?? null, material.material ?? null];
}

export function materialFromTuple(tuple: MaterialTuple | null): ApiMaterial | null {
	if (!tuple) return null;
	return { guid: tuple[0], brand: tuple[1], color: tuple[2], material: tuple[3] };
}

/** Same spool type? The GUID identifies a material profile (incl. colour); without GUIDs compare the names. */
export function sameMaterial(a: MaterialTuple | null, b: MaterialTuple | null): boolean {
	if (!a || !b) return a === b;
	if (a[0] && b[0]) return a[0] === b[0];
	return a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

export function extrudersFrom(configuration: ApiPrintCore[] | null | undefined): ExtruderState[] | null {
	if (!Array.isArray(configuration)) return null;
	return configuration
		.filter((core) => core && typeof core.extruder_index === 'number')
		.map((core): ExtruderState => [core.extruder_index, core.print_core_id ?? null, materialTuple(core.material)])
		.sort((a, b) => a[0] - b[0]);
}

/**
 * A short, stable key for a job uuid in the list of ended jobs: 53-bit cyrb53 hash in base 36 (≤ 12 characters).
 * Only compared within one cluster's 10-job history window, where a collision is a ~1e-15 chance.
 */
export function terminalKey(uuid: string): string {
	let key = terminalKeyCache.get(uuid);
	if (key === undefined) {
		// Bounded memo: history jobs are looked up on every poll, and hashing is the costly part.
		if (terminalKeyCache.size >= 20_000) terminalKeyCache.clear();
		key = hashUuid(uuid);
		terminalKeyCache.set(uuid, key);
	}
	return key;
}

const terminalKeyCache = new Map<string, string>();

function hashUuid(uuid: string): string {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < uuid.length; i++) {
		const code = uuid.charCodeAt(i);
		h1 = Math.imul(h1 ^ code, 2654435761);
		h2 = Math.imul(h2 ^ code, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (2097151 & h2).toString(36) + '.' + (h1 >>> 0).toString(36);
}
