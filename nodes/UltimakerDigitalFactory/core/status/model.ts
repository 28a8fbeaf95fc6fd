/**
 * What Digital Factory returns, as this package reads it: every field the API may omit is optional, and unknown
 * fields are kept (`[field: string]: unknown`). One set of types for both nodes.
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
	assigned_to?: string | null;
	[field: string]: unknown;
}

export interface ApiClusterStatus {
	generated_time?: string | null;
	printers?: ApiPrinterStatus[] | null;
	print_jobs?: ApiPrintJobStatus[] | null;
	[field: string]: unknown;
}
