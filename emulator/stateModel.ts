/** The emulator's internal state model. Field names follow the Digital Factory's JSON where they surface in it. */

export interface Material {
	guid?: string;
	brand?: string;
	color?: string;
	material: string;
}

export interface PrintCoreConfiguration {
	extruder_index: number;
	print_core_id: string | null;
	material: Material | null;
}

export interface ConfigurationChange {
	type_of_change: 'material' | 'print_core_change';
	index: number;
	target_id: string;
	origin_id: string;
	target_name: string;
	origin_name: string;
}

/** Something that stops a job from printing on its printer, whatever an operator forces. */
export interface Impediment {
	translation_key: string;
	/** Higher is worse. */
	severity: number;
}

export interface PrinterState {
	uuid: string;
	unique_name: string;
	friendly_name: string;
	/** `printer_type` id, e.g. `ultimaker_s5`. */
	type: string;
	machine_variant: string;
	enabled: boolean;
	/** Status set through the control API (`maintenance`, `error`, `booting`…); null = derived from the job. */
	statusOverride: string | null;
	firmware_version: string;
	ip_address: string;
	configuration: PrintCoreConfiguration[];
	maintenance_required: boolean;
	firmware_update_status: string;
	latest_available_firmware: string;
	build_plate: { type: string };
	/** Print job (uuid) currently claiming the printer, from pre_print until the build plate is cleared. */
	activeJobUuid: string | null;
}

/** Statuses a print job passes through while it holds a printer. */
export const ACTIVE_JOB_STATUSES = [
	'pre_print',
	'printing',
	'pausing',
	'paused',
	'resuming',
	'aborting',
	'post_print',
	'wait_cleanup',
	'wait_user_action',
] as const;

export const HISTORY_JOB_STATUSES = ['finished', 'aborted', 'failed'] as const;

export interface RequiredMaterial {
	extruder_index: number;
	guid: string;
}

/** What one extruder of a toolpath needs (from `;EXTRUDER_TRAIN.<n>.…` header lines; null = not said). */
export interface ExtruderNeeds {
	extruder_index: number;
	material_guid: string | null;
	/** `;EXTRUDER_TRAIN.<n>.NOZZLE.NAME`, the print core (`AA 0.4`). */
	print_core_id: string | null;
	nozzle_diameter: number | null;
	/** `;EXTRUDER_TRAIN.<n>.MATERIAL.VOLUME_USED` in mm³; absent when the header does not say (reports use it). */
	material_volume_mm3?: number;
}

export interface PrintSize {
	min: { x: number; y: number; z: number };
	max: { x: number; y: number; z: number };
}

export interface PrintJobState {
	uuid: string;
	cloud_job_id: string;
	name: string;
	status: string;
	createdAt: number;
	owner: string;
	machine_variant: string;
	/** Seconds. */
	time_total: number;
	/** Milliseconds printed before the current phase began (folded at each phase change). */
	elapsedMs: number;
	/** Virtual ms at which the current status began. */
	phaseStartedAt: number;
	force: boolean;
	started: boolean;
	printer_uuid: string | null;
	assigned_to: string | null;
	/**
	 * The one printer that may take the job (uuid), set by a LAN upload with `require_printer_name`; the scheduler
	 * assigns it nowhere else. Absent or null: any printer of the cluster.
	 */
	requiredPrinterUuid?: string | null;
	printed_on_uuid: string | null;
	requiredMaterials: RequiredMaterial[];
	/** Per extruder the toolpath uses: material and print core (absent = from `requiredMaterials` only). */
	extruders?: ExtruderNeeds[];
	/** `;BUILD_PLATE.TYPE:` from the header. */
	buildPlate?: string | null;
	/** `;PRINT.SIZE.MIN/MAX.*` from the header. */
	printSize?: PrintSize | null;
	/** `;TARGET_MACHINE.NAME:` from the G-code, if any. */
	targetMachine: string | null;
	/** What the printer the job is assigned to must change before it prints (empty once forced). */
	configuration_changes_required: ConfigurationChange[];
	/** What stops the job on its assigned printer even when forced. */
	impediments_to_printing?: Impediment[];
	/** Set when an abort sends the job to wait_cleanup: it ends as `aborted`, not `finished`. */
	aborted: boolean;
	finishedAt: number | null;
}

export interface ClusterState {
	cluster_id: string;
	host_guid: string;
	host_name: string;
	host_version: string;
	host_internal_ip: string;
	friendly_name: string;
	is_online: boolean;
	status: 'active' | 'inactive';
	requires_approval: boolean;
	queue_limit: number;
	printers: PrinterState[];
	/** Jobs holding a printer and queued jobs, in queue order. */
	queue: PrintJobState[];
	/** Finished/aborted/failed jobs, newest first, at most `historyLimit` (what `/status` shows: up to 10 [S]). */
	history: PrintJobState[];
	/**
	 * Older finished jobs, newest first, pushed out of `history`: the workspace history (`/connect/v1/print_jobs`)
	 * and reports still list them, as Digital Factory keeps history beyond the 10 of `/status` [S: FAQ, spec]. At most
	 * ARCHIVE_LIMIT, so a long-running emulator (the demo, a benchmark) does not grow without end.
	 */
	archive: PrintJobState[];
	/** Print requests answered with `wait_approval`, not yet in the queue. */
	pendingApproval: PrintJobState[];
	/** Virtual ms up to which the simulation has run. */
	syncedAt: number;
	/**
	 * Virtual ms (with a fraction) at which the cluster host started: jobs' `last_seen` is the host's clock in
	 * seconds, a float, as in Ultimaker's recorded answers.
	 */
	hostStartedAt?: number;
	/** Whether the cluster object carries `friendly_name` (Ultimaker's recorded cluster lists do not). */
	hasFriendlyName?: boolean;
}

export interface Timings {
	prePrintSeconds: number;
	postPrintSeconds: number;
	/** wait_cleanup clears by itself after this many virtual seconds. */
	cleanupSeconds: number;
	/** pausing→paused, resuming→printing, aborting→wait_cleanup. */
	transitionSeconds: number;
	/** time_total for G-code without a `;PRINT.TIME:`/`;TIME:` header. */
	defaultPrintSeconds: number;
	historyLimit: number;
}

/**
 * Finished jobs kept per cluster beyond `historyLimit` (oldest dropped first). How long Digital Factory keeps history
 * is not in the references; this is the emulator's own bound, far above what a test or `npm run bench` prints.
 */
export const ARCHIVE_LIMIT = 10_000;

export const DEFAULT_TIMINGS: Timings = {
	prePrintSeconds: 30,
	postPrintSeconds: 10,
	cleanupSeconds: 120,
	transitionSeconds: 5,
	defaultPrintSeconds: 3600,
	historyLimit: 10,
};

/** What the emulator learned from the first kilobytes of an uploaded toolpath's G-code. */
export interface GcodeHeader {
	flavor: string | null;
	printTimeSeconds: number | null;
	targetMachine: string | null;
	materials: RequiredMaterial[];
	/** Every extruder the header names, in index order. */
	extruders: ExtruderNeeds[];
	buildPlate: string | null;
	size: PrintSize | null;
}

/** A toolpath upload (`/cura/v1/jobs`) or a library file (`/cura/v1/files`). */
export interface StoredObject {
	kind: 'job' | 'file';
	id: string;
	name: string;
	file_size: number;
	content_type: string;
	origin: string | null;
	status: 'uploading' | 'uploaded' | 'failed';
	status_description: string | null;
	uploadSlotId: string;
	upload_url: string | null;
	download_url: string | null;
	createdAt: number;
	uploadedAt: number | null;
	library_project_id: string | null;
	source_file_id: string | null;
	header: GcodeHeader | null;
}

export interface UploadSlot {
	id: string;
	signature: string;
	objectKind: 'job' | 'file';
	objectId: string;
	contentType: string;
	size: number;
	origin: string | null;
	/**
	 * `resumable`: a Google Cloud Storage resumable session — a broken PUT keeps what arrived, `Content-Range`
	 * continues it, an empty PUT whose `Content-Range` names only the size asks how much is kept. `signed`: a one-time
	 * signed URL — the whole file in one PUT, a broken PUT fails the upload.
	 */
	protocol: 'resumable' | 'signed';
	state: 'open' | 'receiving' | 'used';
	expiresAt: number;
	/** Bytes received by the PUT in progress (or the last one), counting from its own first byte. */
	receivedBytes: number;
	/** Resumable sessions: bytes 0 … persistedBytes − 1 are kept (all of them once the upload is complete). */
	persistedBytes: number;
	/** Path of the kept file when the emulator writes uploads to a directory. */
	filePath: string | null;
	rejections: Array<{ at: string; code: string; reason: string; authorizationHeader: boolean }>;
}

export interface Project {
	library_project_id: string;
	display_name: string;
	description: string;
	username: string;
	organization_shared: boolean;
	organization_id: string;
	created_by_user_id: string;
	thumbnail_url: string | null;
	tags: string[];
	team_ids: string[];
	createdAt: number;
	updatedAt: number;
	status: null;
	technical_requirements: null;
	is_inactive: boolean;
}
