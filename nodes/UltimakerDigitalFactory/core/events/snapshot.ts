/**
 * One cluster's `/status` answer, indexed once so every lookup of a poll is constant time (a 1,000-printer
 * cluster must diff in milliseconds): printers by uuid, which printer each job belongs to, each printer's
 * current job. Also decides which entry counts when the answer lists a printer or a job twice.
 */
import type { ApiClusterStatus, ApiPrinterStatus, ApiPrintJobStatus } from '../status/model';
import { jobFromApi } from './items';
import { SMALL } from './lists';
import type { JobPhase } from '../status/phases';
import { jobPhase } from '../status/phases';
import type { EventJob } from './types';

/** How far along a status is: when a job is listed twice, the entry furthest along counts (a job never goes back). */
const PROGRESS: Record<JobPhase, number> = { other: 0, removed: 0, queued: 1, active: 2, paused: 2, waiting: 2, terminal: 3 };

const isPrinter = (value: unknown): value is ApiPrinterStatus =>
	!!value && typeof value === 'object' && typeof (value as ApiPrinterStatus).uuid === 'string';
const isJob = (value: unknown): value is ApiPrintJobStatus =>
	!!value && typeof value === 'object' && typeof (value as ApiPrintJobStatus).uuid === 'string';

/** Is this the job a printer is busy with (printing, paused, waiting for someone, or waiting for the plate to be cleared)? */
const holdsPrinter = (job: ApiPrintJobStatus) => ['active', 'paused', 'waiting'].includes(jobPhase(job.status)) || job.status === 'wait_cleanup';

/**
 * The indexed answer. A plain object built by one literal in `snapshotOf`, with functions beside it, not a class:
 * V8 forgets the shape of a class's instances once none is left after a full GC — as between two polls — and
 * throws away optimised code that saw them (measured: `npm run bench -- trigger`, cold rows); a literal's shape
 * stays.
 */
export interface Snapshot {
	readonly status: ApiClusterStatus;
	readonly nowMs: number;
	readonly printers: ApiPrinterStatus[];
	/** Jobs in list order, one entry per uuid. */
	readonly jobs: ApiPrintJobStatus[];
	readonly printersListed: boolean;
	readonly jobsListed: boolean;
	/** The only printer of a one-printer cluster: its queue is that printer's queue. */
	readonly singlePrinter: string | null;
	/** Built on first use. */
	byUuid: Map<string, ApiPrinterStatus> | undefined;
	byName: Map<string, string> | undefined;
	currentJobs: Map<string, ApiPrintJobStatus> | undefined;
	eventJobs: Map<ApiPrintJobStatus, EventJob> | undefined;
	/** NaN until first asked. */
	referenceTime: number;
}

export function snapshotOf(status: ApiClusterStatus, nowMs: number): Snapshot {
	const printers = firstEntries(valid(status.printers ?? [], isPrinter));
	return {
		status,
		nowMs,
		printers,
		jobs: furthestEntries(valid(status.print_jobs ?? [], isJob)),
		printersListed: Array.isArray(status.printers),
		jobsListed: Array.isArray(status.print_jobs),
		singlePrinter: printers.length === 1 ? printers[0].uuid : null,
		byUuid: undefined,
		byName: undefined,
		currentJobs: undefined,
		eventJobs: undefined,
		referenceTime: Number.NaN,
	};
}

export function printerIn(snapshot: Snapshot, uuid: string): ApiPrinterStatus | undefined {
	// Small clusters (the usual one printer) need no index.
	if (snapshot.printers.length <= SMALL) {
		for (const printer of snapshot.printers) if (printer.uuid === uuid) return printer;
		return undefined;
	}
	snapshot.byUuid ??= new Map(snapshot.printers.map((printer) => [printer.uuid, printer]));
	return snapshot.byUuid.get(uuid);
}

/**
 * The printer a job runs on or is assigned to: `printer_uuid`, then `printed_on_uuid`, then `assigned_to` — a
 * printer uuid in Ultimaker's data, also on queued jobs the cluster pre-assigned — and a printer name only as
 * a last resort.
 */
export function printerOfJob(snapshot: Snapshot, job: ApiPrintJobStatus): string | null {
	if (job.printer_uuid) return job.printer_uuid;
	if (job.printed_on_uuid) return job.printed_on_uuid;
	if (!job.assigned_to) return null;
	if (printerIn(snapshot, job.assigned_to)) return job.assigned_to;
	snapshot.byName ??= printerNames(snapshot.printers);
	return snapshot.byName.get(job.assigned_to) ?? null;
}

/** The job a printer is busy with, if any (the first one listed). */
export function currentJob(snapshot: Snapshot, printerUuid: string): EventJob | null {
	if (!snapshot.currentJobs) {
		const current = new Map<string, ApiPrintJobStatus>();
		for (const job of snapshot.jobs) {
			const printer = printerOfJob(snapshot, job) ?? snapshot.singlePrinter;
			if (printer && holdsPrinter(job) && !current.has(printer)) current.set(printer, job);
		}
		snapshot.currentJobs = current;
	}
	const job = snapshot.currentJobs.get(printerUuid);
	return job ? eventJob(snapshot, job) : null;
}

/** A job as event items show it; each call gives its own copy (items must not share objects). */
export function eventJob(snapshot: Snapshot, job: ApiPrintJobStatus): EventJob {
	snapshot.eventJobs ??= new Map();
	let item = snapshot.eventJobs.get(job);
	if (!item) {
		item = jobFromApi(job, referenceMs(snapshot));
		snapshot.eventJobs.set(job, item);
	}
	return { ...item };
}

/** The snapshot's own time (for time-derived fields), or ours when it has none. */
export function referenceMs(snapshot: Snapshot): number {
	if (Number.isNaN(snapshot.referenceTime)) snapshot.referenceTime = parseTime(snapshot.status.generated_time) ?? snapshot.nowMs;
	return snapshot.referenceTime;
}

function printerNames(printers: ApiPrinterStatus[]): Map<string, string> {
	const names = new Map<string, string>();
	for (const printer of printers) {
		for (const name of [printer.unique_name, printer.friendly_name]) {
			if (typeof name === 'string' && !names.has(name)) names.set(name, printer.uuid);
		}
	}
	return names;
}

/** The list itself when every entry is valid (the usual case), else the valid entries. */
function valid<T>(list: unknown[], isValid: (value: unknown) => value is T): T[] {
	return list.every(isValid) ? (list as T[]) : list.filter(isValid);
}

function hasDuplicates(list: Array<{ uuid: string }>): boolean {
	if (list.length <= SMALL) {
		for (let i = 1; i < list.length; i++) for (let j = 0; j < i; j++) if (list[j].uuid === list[i].uuid) return true;
		return false;
	}
	const seen = new Set<string>();
	for (const entry of list) {
		if (seen.has(entry.uuid)) return true;
		seen.add(entry.uuid);
	}
	return false;
}

/** One entry per printer uuid: the first listed. */
function firstEntries(printers: ApiPrinterStatus[]): ApiPrinterStatus[] {
	if (!hasDuplicates(printers)) return printers;
	const seen = new Set<string>();
	return printers.filter((printer) => !seen.has(printer.uuid) && !!seen.add(printer.uuid));
}

/** One entry per job uuid: the one furthest along, at the place of its first listing. */
function furthestEntries(jobs: ApiPrintJobStatus[]): ApiPrintJobStatus[] {
	if (!hasDuplicates(jobs)) return jobs;
	const chosen = new Map<string, ApiPrintJobStatus>();
	for (const job of jobs) {
		const kept = chosen.get(job.uuid);
		if (!kept || PROGRESS[jobPhase(job.status)] > PROGRESS[jobPhase(kept.status)]) chosen.set(job.uuid, job);
	}
	return [...chosen.values()];
}

export function parseTime(value: string | null | undefined): number | undefined {
	if (!value) return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : ms;
}

/** What `isoFormat` tells of a time: none of the two below, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, or the same without a zone. */
const NOT_ISO = 0;
const ISO_UTC = 1;
const ISO_NO_ZONE = 2;
const DIGIT = -1;
/** `YYYY-MM-DDTHH:MM:SS` as character codes, DIGIT for a digit. */
const ISO_PREFIX = [DIGIT, DIGIT, DIGIT, DIGIT, 45, DIGIT, DIGIT, 45, DIGIT, DIGIT, 84, DIGIT, DIGIT, 58, DIGIT, DIGIT, 58, DIGIT, DIGIT];

const isDigit = (code: number) => code >= 48 && code <= 57;

/** The format of a time as the APIs write them: the cloud's `…Z`, the local network's zoneless one, or another. */
function isoFormat(value: string): number {
	const length = value.length;
	if (length < ISO_PREFIX.length) return NOT_ISO;
	for (let i = 0; i < ISO_PREFIX.length; i++) {
		const code = value.charCodeAt(i);
		if (ISO_PREFIX[i] === DIGIT ? !isDigit(code) : code !== ISO_PREFIX[i]) return NOT_ISO;
	}
	const utc = value.charCodeAt(length - 1) === 90; // Z
	const end = utc ? length - 1 : length;
	if (end > ISO_PREFIX.length) {
		if (value.charCodeAt(ISO_PREFIX.length) !== 46 || end === ISO_PREFIX.length + 1) return NOT_ISO; // .
		for (let i = ISO_PREFIX.length + 1; i < end; i++) if (!isDigit(value.charCodeAt(i))) return NOT_ISO;
	}
	return utc ? ISO_UTC : ISO_NO_ZONE;
}

/**
 * The later of two times as the API gave them (`newest` null: none yet); an unreadable candidate never wins. Two
 * times of one ISO format (`isoFormat`) and length compare as text — their order is their times' order — and
 * others are parsed.
 */
export function laterTime(newest: string | null, candidate: unknown): string | null {
	if (typeof candidate !== 'string' || candidate === newest) return newest;
	if (newest === null) return parseTime(candidate) === undefined ? null : candidate;
	const format = isoFormat(candidate);
	if (format !== NOT_ISO && candidate.length === newest.length && format === isoFormat(newest)) return candidate > newest ? candidate : newest;
	const ms = parseTime(candidate);
	const newestMs = parseTime(newest);
	return ms !== undefined && (newestMs === undefined || ms > newestMs) ? candidate : newest;
}
