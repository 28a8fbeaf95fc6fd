/**
 * What Digital Factory returns, as this package reads it: every field the API may omit is optional, and unknown
 * fields are kept (`[field: string]: unknown`). The one model of clusters, printers and print jobs in the package:
 * the trigger (core/events), Get cluster status and Send print (core/status, core/send), Find printer and farm
 * dispatch (core/farm) and the cloud connection all read these types; farm/types.ts keeps only what Find printer
 * adds (snapshots, requirements, candidates). The types say what the API sends, not what was checked: code that
 * reads untrusted rows still tests a field's type where it matters (snapshot.ts, send/sighting.ts).
 */

/** `GET /connect/v1/clusters` entries (and `GET /connect/v1/clusters/{id}`). */
export interface ApiCluster {
	cluster_id: string;
	friendly_name?: string | null;
	host_name?: string | null;
	host_guid?: string | null;
	host_version?: string | null;
	is_online?: boolean | null;
	/** Registration state: `active` or `inactive`. */
	status?: string | null;
	printer_type?: string | null;
	printer_count?: number | null;
	capabilities?: string[] | null;
	host_printer?: Partial<ApiPrinterStatus> | null;
	[field: string]: unknown;
}

export interface ApiMaterial {
	guid?: string | null;
	brand?: string | null;
	color?: string | null;
	/** e.g. `PLA`; the API writes `empty` when no spool is loaded. */
	material?: string | null;
}

export interface ApiPrintCore {
	extruder_index: number;
	print_core_id?: string | null;
	material?: ApiMaterial | null;
}

export interface ApiPrinterStatus {
	uuid: string;
	unique_name?: string | null;
	friendly_name?: string | null;
	machine_variant?: string | null;
	status?: string | null;
	enabled?: boolean | null;
	maintenance_required?: boolean | null;
	configuration?: ApiPrintCore[] | null;
	/** The plate in the printer, e.g. `{ type: 'glass' }`. */
	build_plate?: { type?: string | null; [field: string]: unknown } | null;
	[field: string]: unknown;
}

export interface ApiPrintJobStatus {
	uuid: string;
	cloud_job_id?: string | null;
	name?: string | null;
	status?: string | null;
	owner?: string | null;
	created_at?: string | null;
	started?: boolean | null;
	time_total?: number | null;
	time_elapsed?: number | null;
	printer_uuid?: string | null;
	printed_on_uuid?: string | null;
	/** The printer uuid the cluster assigned a (queued) job to. */
	assigned_to?: string | null;
	[field: string]: unknown;
}

export interface ApiClusterStatus {
	generated_time?: string | null;
	printers?: ApiPrinterStatus[] | null;
	print_jobs?: ApiPrintJobStatus[] | null;
	[field: string]: unknown;
}
