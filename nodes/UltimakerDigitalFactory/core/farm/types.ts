/**
 * What Find printer reads and returns, beyond the API's own types: a cluster's list entry and `/status` answer are
 * typed once, in status/model.ts; here are the snapshot that joins them, a job's requirements and the ranking.
 */
import type { ApiPrinterStatus, ApiPrintJobStatus } from '../status/model';

/** One cluster: its list entry's fields and its `/status` snapshot. */
export interface ClusterSnapshot {
	cluster_id: string;
	/** Label to show; when absent: friendly_name, else host_name, else the id. */
	cluster_name?: string | null;
	friendly_name?: string | null;
	host_name?: string | null;
	/** `false` when the cluster is not connected to the cloud: all its printers are offline. */
	is_online?: boolean | null;
	printers: ApiPrinterStatus[];
	print_jobs: ApiPrintJobStatus[];
}

export interface ExtruderRequirement {
	/** Extruder train number (0 = first). */
	index: number;
	/** null: the job uses this extruder but does not say with which material. */
	material_guid: string | null;
	/** null: any print core the material database marks compatible with the material on that machine. */
	print_core: string | null;
}

export interface JobRequirements {
	/** Machine variant, e.g. `Ultimaker S5`. */
	machine: string;
	/** The extruders the job uses (unused ones are not listed). */
	extruders: ExtruderRequirement[];
	/** Build plate type (`glass`, `aluminium`), or null for any. */
	build_plate: string | null;
}

export interface Candidate {
	cluster_id: string;
	cluster_name: string;
	printer_uuid: string;
	printer_name: string;
	machine_variant: string | null;
	/** The printer's status; `disabled` for a printer with `enabled: false`. */
	status: string;
	/** Print jobs on or waiting for this printer. */
	queue_length: number;
	/** Seconds until the printer has finished what it has; null when that cannot be known. */
	seconds_until_free: number | null;
	/** 0–100, higher is better; ordered like the ranking (idle printers score above 50). */
	score: number;
}

export interface Rejected extends Candidate {
	/** Why it cannot take the job, in plain words; `offline` and `disabled` as single words. */
	reasons: string[];
}

export interface PrinterMatch {
	chosen: Candidate | null;
	candidates: Candidate[];
	rejected: Rejected[];
}
