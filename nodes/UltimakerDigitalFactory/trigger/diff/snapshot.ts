/**
 * One cluster's `/status` answer, indexed once so every lookup of a poll is constant time (a 1,000-printer
 * cluster must diff in milliseconds): printers by uuid, which printer each job belongs to, each printer's
 * current job. Also decides which entry counts when the answer lists a printer or a job twice.
 */
import type { ApiClusterStatus, ApiPrinterStatus, ApiPrintJobStatus } from '../../shared/api/types';
import { jobFromApi } from './items';
import type { JobPhase } from './jobStatus';
import { jobPhase } from './jobStatus';
import type { EventJob } from './types';

/** How far along a status is: when a job is listed twice, the entry furthest along counts (a job never goes back). */
const PROGRESS: Record<JobPhase, number> = { other: 0, queued: 1, active: 2, paused: 2, waiting: 2, terminal: 3 };

const isPrinter = (value: unknown): value is ApiPrinterStatus =>
	!!value && typeof value === 'object' && typeof (value as ApiPrinterStatus).uuid === 'string';
const isJob = (value: unknown): value is ApiPrintJobStatus =>
	!!value && typeof value === 'object' && typeof (value as ApiPrintJobStatus).uuid === 'string';

/** Is this the job a printer is busy with (printing, paused, waiting for someone, or waiting for the plate to be cleared)? */
const holdsPrinter = (job: ApiPrintJobStatus) => ['active', 'paused', 'waiting'].includes(jobPhase(job.status)) || job.status === 'wait_cleanup';

export class Snapshot {
	readonly printers: ApiPrinterStatus[];
	/** Jobs in list order, one entry per uuid. */
	readonly jobs: ApiPrintJobStatus[];
	readonly printersListed: boolean;
	readonly jobsListed: boolean;
	/** The only printer of a one-printer cluster: its queue is that printer's queue. */
	readonly singlePrinter: string | null;
	private byUuid: Map<string, ApiPrinterStatus> | undefined;
	private byName: Map<string, string> | undefined;
	private currentJobs: Map<string, ApiPrintJobStatus> | undefined;
	private eventJobs: Map<ApiPrintJobStatus, EventJob> | undefined;
	private referenceTime: number | undefined;

	constructor(
		readonly status: ApiClusterStatus,
		private readonly nowMs: number,
	) {
		this.printersListed = Array.isArray(status.printers);
		this.jobsListed = Array.isArray(status.print_jobs);
		this.printers = firstEntries(valid(status.printers ?? [], isPrinter));
		this.jobs = furthestEntries(valid(status.print_jobs ?? [], isJob));
		this.singlePrinter = this.printers.length === 1 ? this.printers[0].uuid : null;
	}

	printer(uuid: string): ApiPrinterStatus | undefined {
		// Small clusters (the usual one printer) need no index.
		if (this.printers.length <= SMALL) return this.printers.find((printer) => printer.uuid === uuid);
		this.byUuid ??= new Map(this.printers.map((printer) => [printer.uuid, printer]));
		return this.byUuid.get(uuid);
	}

	/**
	 * The printer a job runs on or is assigned to: `printer_uuid`, then `printed_on_uuid`, then `assigned_to` — a
	 * printer uuid in Ultimaker's data, also on queued jobs the cluster pre-assigned — and a printer name only as
	 * a last resort.
	 */
	printerOfJob(job: ApiPrintJobStatus): string | null {
		if (job.printer_uuid) return job.printer_uuid;
		if (job.printed_on_uuid) return job.printed_on_uuid;
		if (!job.assigned_to) return null;
		if (this.printer(job.assigned_to)) return job.assigned_to;
		this.byName ??= this.printerNames();
		return this.byName.get(job.assigned_to) ?? null;
	}

	/** The job a printer is busy with, if any (the first one listed). */
	currentJob(printerUuid: string): EventJob | null {
		if (!this.currentJobs) {
			this.currentJobs = new Map();
			for (const job of this.jobs) {
				const printer = this.printerOfJob(job) ?? this.singlePrinter;
				if (printer && holdsPrinter(job) && !this.currentJobs.has(printer)) this.currentJobs.set(printer, job);
			}
		}
		const job = this.currentJobs.get(printerUuid);
		return job ? this.eventJob(job) : null;
	}

	/** A job as event items show it; each call gives its own copy (items must not share objects). */
	eventJob(job: ApiPrintJobStatus): EventJob {
		this.eventJobs ??= new Map();
		let item = this.eventJobs.get(job);
		if (!item) {
			item = jobFromApi(job, this.referenceMs());
			this.eventJobs.set(job, item);
		}
		return { ...item };
	}

	/** The snapshot's own time (for time-derived fields), or ours when it has none. */
	referenceMs(): number {
		this.referenceTime ??= parseTime(this.status.generated_time) ?? this.nowMs;
		return this.referenceTime;
	}

	private printerNames(): Map<string, string> {
		const names = new Map<string, string>();
		for (const printer of this.printers) {
			for (const name of [printer.unique_name, printer.friendly_name]) {
				if (typeof name === 'string' && !names.has(name)) names.set(name, printer.uuid);
			}
		}
		return names;
	}
}

/** Lists up to this long are searched, longer ones indexed. */
const SMALL = 16;

/** The list itself when every entry is valid (the usual case), else the valid entries. */
function valid<T>(list: unknown[], isValid: (value: unknown) => value is T): T[] {
	return list.every(isValid) ? (list as T[]) : list.filter(isValid);
}

function hasDuplicates(list: Array<{ uuid: string }>): boolean {
	if (list.length <= SMALL) return list.some((entry, index) => list.findIndex((other) => other.uuid === entry.uuid) !== index);
	return new Set(list.map((entry) => entry.uuid)).size !== list.length;
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
