/** Builders of the parts of an event item (printer, job, extruder) from an API snapshot or from memory. */
import type { ApiMaterial, ApiPrintCore, ApiPrinterStatus, ApiPrintJobStatus } from '../status/model';
import { referenceOf } from '../reference';
import { finiteOrNull, jobPhase, progressPercent, terminalOutcome } from '../status/phases';
import type { Extruder, JobMemory, PrinterMemory } from './memory';
import type { EventJob, EventPrinter } from './types';

/** The status a printer reports as the trigger sees it: one that is not enabled is `disabled`, as in Cura. */
export function printerStatusOf(printer: ApiPrinterStatus): string | null {
	if (printer.enabled === false && printer.status !== 'unreachable') return 'disabled';
	return printer.status ?? null;
}

export function printerFromApi(printer: ApiPrinterStatus): EventPrinter {
	return {
		uuid: printer.uuid,
		friendly_name: printer.friendly_name ?? null,
		status: printerStatusOf(printer),
		machine_variant: printer.machine_variant ?? null,
	};
}

export function printerFromMemory(uuid: string, printer: PrinterMemory, status?: string): EventPrinter {
	return { uuid, friendly_name: printer.name, status: status ?? printer.status, machine_variant: printer.variant };
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

/** progress, time_remaining and estimated_finish_at, derived the same way for API and remembered jobs. */
function withTimes(job: JobFields, referenceMs: number): EventJob {
	const elapsed = job.time_elapsed;
	const total = job.time_total;
	const phase = jobPhase(job.status);
	const finished = phase === 'terminal' && terminalOutcome(job) === 'finished';
	let progress: number | null = finished ? 100 : progressPercent(elapsed, total);
	if (progress === null && phase === 'queued') progress = 0;
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
		reference: referenceOf(job.name),
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

export function jobFromMemory(uuid: string, job: JobMemory, referenceMs: number): EventJob {
	return withTimes(
		{ uuid, cloud_job_id: job.cloudJobId, name: job.name, status: job.status, owner: job.owner, time_elapsed: job.elapsed, time_total: job.total },
		referenceMs,
	);
}

// ---- extruders ----

function materialOf(material: ApiMaterial | null | undefined): Extruder['material'] {
	if (!material) return null;
	return { guid: material.guid ?? null, brand: material.brand ?? null, color: material.color ?? null, material: material.material ?? null };
}

/** Same spool type? The GUID identifies a material profile (incl. colour); without GUIDs compare the names. */
export function sameMaterial(a: Extruder['material'], b: Extruder['material']): boolean {
	if (!a || !b) return a === b;
	if (a.guid && b.guid) return a.guid === b.guid;
	return a.brand === b.brand && a.color === b.color && a.material === b.material;
}

/** The extruders a printer reports, by index; null when it reports no configuration list. */
export function extrudersFrom(configuration: ApiPrintCore[] | null | undefined): Extruder[] | null {
	if (!Array.isArray(configuration)) return null;
	return configuration
		.filter((core) => core && typeof core.extruder_index === 'number')
		.map((core): Extruder => ({ index: core.extruder_index, printCore: core.print_core_id ?? null, material: materialOf(core.material) }))
		.sort((a, b) => a.index - b.index);
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
