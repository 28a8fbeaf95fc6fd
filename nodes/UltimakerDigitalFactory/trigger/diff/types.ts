/**
 * Types of the trigger's pure diff: what the Digital Factory `/status` answers (read leniently: every field
 * the API might omit is optional), the compact state kept between polls, and the event items (public contract,
 * DESIGN §4).
 */
import type { ApiClusterStatus, ApiMaterial } from '../../shared/api/types';
import type { TriggerEventName } from '../events';

export type { ApiClusterStatus, ApiMaterial, ApiPrintCore, ApiPrinterStatus, ApiPrintJobStatus } from '../../shared/api/types';
export type { TriggerEventName } from '../events';
export { TRIGGER_EVENT_NAMES } from '../events';

/** What one poll learnt about one watched cluster. */
export interface ClusterObservation {
	cluster_id: string;
	/** From `GET /connect/v1/clusters`; falls back to the name remembered in state. */
	friendly_name?: string | null;
	/** From `GET /connect/v1/clusters`; `undefined` when the list was not fetched. */
	is_online?: boolean | null;
	/** The `/status` data, when it was fetched. */
	status?: ApiClusterStatus | null;
	/** True when the cluster could not be reached this poll (timeout, 5xx, 429, dropped connection). */
	unreachable?: boolean;
}

export interface DiffOptions {
	/** Consecutive unreachable polls before `printer.offline` (at least 1). */
	offlineAfterMissedPolls: number;
	/** Emit the current state (instead of nothing) for a cluster seen for the first time. */
	emitOnFirstPoll?: boolean;
	/** Attach the cluster's full `/status` data to every event as `snapshot`. */
	includeSnapshot?: boolean;
}

// ---- Compact state (JSON, kept in the workflow's static data) ----
// Short keys on purpose: a 100-printer farm must stay well under 100 KB.

/** [extruder_index, print_core_id, material as [guid, brand, color, material] or null] */
export type ExtruderState = [number, string | null, MaterialTuple | null];
export type MaterialTuple = [string | null, string | null, string | null, string | null];

export interface PrinterState {
	/** friendly_name */
	n: string | null;
	/** machine_variant */
	v: string | null;
	/** last status seen while reachable */
	s: string | null;
	/** maintenance_required was true */
	mr?: 1;
	/** configuration per extruder */
	x: ExtruderState[];
	/** consecutive polls in which the printer was unreachable */
	m?: number;
	/** printer.offline was emitted and printer.online not yet */
	off?: 1;
}

export interface JobState {
	/** last status seen */
	s: string | null;
	/** name */
	n: string | null;
	/** cloud_job_id */
	c: string | null;
	/** owner */
	o: string | null;
	/** printer uuid the job is on or explicitly assigned to (absent while only queued) */
	p?: string;
	/** time_elapsed, time_total */
	e: number | null;
	t: number | null;
	/** job.started was emitted (or the job was already started at baseline) */
	st?: 1;
}

export interface ClusterState {
	/** friendly_name */
	n: string | null;
	/** generated_time of the last snapshot (server clock), to recognise history entries seen before */
	g: string | null;
	p: Record<string, PrinterState>;
	/** jobs not yet in a terminal state */
	j: Record<string, JobState>;
	/**
	 * Jobs whose terminal state is known (event emitted, or already ended at baseline), while they are in the
	 * history window — as short hashes of their uuids (see terminalKey), a third of the size of the uuids.
	 */
	d: string[];
}

export interface TriggerState {
	v: 1;
	c: Record<string, ClusterState>;
}

// ---- Event item (contract, DESIGN §4) ----

export interface EventCluster {
	cluster_id: string;
	friendly_name: string | null;
}

export interface EventPrinter {
	uuid: string;
	friendly_name: string | null;
	status: string | null;
	machine_variant: string | null;
}

export interface EventJob {
	uuid: string;
	cloud_job_id: string | null;
	name: string | null;
	status: string | null;
	owner: string | null;
	/** percent, 0–100, one decimal */
	progress: number | null;
	time_elapsed: number | null;
	time_total: number | null;
	time_remaining: number | null;
	estimated_finish_at: string | null;
}

export interface EventExtruder {
	extruder_index: number;
	print_core_id: string | null;
	material: ApiMaterial | null;
}

export interface TriggerEvent {
	event: TriggerEventName;
	detectedAt: string;
	cluster: EventCluster;
	printer: EventPrinter | null;
	job: EventJob | null;
	previous: Record<string, unknown> | null;
	/** printer.materialChanged / printer.printCoreChanged: the extruder after the change */
	extruder?: EventExtruder;
	/** with the includeSnapshot option: the cluster's `/status` data (null when it could not be fetched) */
	snapshot?: ApiClusterStatus | null;
}

export interface DiffResult {
	events: TriggerEvent[];
	state: TriggerState;
}
