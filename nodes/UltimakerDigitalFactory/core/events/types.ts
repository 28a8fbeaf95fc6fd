/** Types of the trigger's pure diff: what a poll observed, the diff's options and result, and the event items. */
import type { ApiClusterStatus, ApiMaterial } from '../status/model';
import type { TriggerEventName } from './names';
import type { TriggerState } from './memory';

export type { ApiClusterStatus, ApiMaterial, ApiPrintCore, ApiPrinterStatus, ApiPrintJobStatus } from '../status/model';
export type { TriggerEventName } from './names';
export { TRIGGER_EVENT_NAMES } from './names';
export type { TriggerState } from './memory';

/** What one poll learnt about one watched cluster. */
export interface ClusterObservation {
	cluster_id: string;
	/**
	 * The host printer's GUID (`host_guid`, from `GET /connect/v1/clusters`): what identifies the cluster across a
	 * reconnect or a reset, which give it a new `cluster_id`. Falls back to the one remembered in state.
	 */
	host_guid?: string | null;
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
	/** Percentages (1–99) at which a print emits job.progress; empty or omitted = none. */
	progressMilestones?: readonly number[];
}

// ---- Event item (public contract: workflows read these fields) ----

export interface EventCluster {
	cluster_id: string;
	friendly_name: string | null;
	/** The host printer's GUID: stays when the cluster is reconnected under a new cluster_id (null when unknown). */
	host_guid: string | null;
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
	/** The order reference carried in the job name (Upload job's Reference), or null. */
	reference: string | null;
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
	/** job.progress: the milestone (percent) the print passed */
	milestone?: number;
	/** with the includeSnapshot option: the cluster's `/status` data (null when it could not be fetched) */
	snapshot?: ApiClusterStatus | null;
}

export interface DiffResult {
	events: TriggerEvent[];
	state: TriggerState;
}
