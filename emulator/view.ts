/** Renders internal state as the Digital Factory's JSON objects (pure; time-dependent fields use `now`). */
import type { ClusterState, PrintJobState, PrinterState, Project, StoredObject } from './stateModel';
import { activeJobOf, elapsedMsAt, jobNeeds } from './simulation';
import { PRINTER_TYPES, materialByGuid } from './catalog';

export function iso(ms: number): string {
	return new Date(ms).toISOString();
}

/** The Digital Library's timestamp format (`2021-05-03T09:12:44.123000Z`). */
export function libraryTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const PRINTING_FAMILY = new Set(['printing', 'pausing', 'paused', 'resuming', 'aborting']);

/** Printer `status`: `unreachable` when the cluster is offline, an override, the active job's phase, or `idle`. */
export function printerStatus(cluster: ClusterState, printer: PrinterState): string {
	if (!cluster.is_online) return 'unreachable';
	if (printer.statusOverride) return printer.statusOverride;
	const job = activeJobOf(cluster, printer);
	if (!job) return 'idle';
	return PRINTING_FAMILY.has(job.status) ? 'printing' : job.status;
}

export function renderPrinter(cluster: ClusterState, printer: PrinterState): Record<string, unknown> {
	return {
		uuid: printer.uuid,
		unique_name: printer.unique_name,
		friendly_name: printer.friendly_name,
		machine_variant: printer.machine_variant,
		status: printerStatus(cluster, printer),
		enabled: printer.enabled,
		firmware_version: printer.firmware_version,
		ip_address: printer.ip_address,
		configuration: structuredClone(printer.configuration),
		// Ultimaker's model defaults it to "": the print job claiming the printer, or "" when it is free.
		reserved_by: printer.activeJobUuid ?? '',
		maintenance_required: printer.maintenance_required,
		firmware_update_status: printer.firmware_update_status,
		latest_available_firmware: printer.latest_available_firmware,
		build_plate: { ...printer.build_plate },
	};
}

/** A material as the job's `configuration[]` carries it: the catalog's full entry, or the GUID with empty names. */
function jobMaterial(guid: string | null): Record<string, string> | null {
	if (!guid) return null;
	const known = materialByGuid(guid);
	return known ? { guid: known.guid, brand: known.brand, color: known.color, material: known.material } : { guid, brand: '', color: '', material: '' };
}

/**
 * The cluster host's clock in seconds when it last checked the job: a float, as `last_seen` is in Ultimaker's
 * recorded status (`500165.109491861`). The emulator's host checks its jobs continuously, so this is now.
 */
export function lastSeen(cluster: ClusterState, now: number): number {
	const started = cluster.hostStartedAt ?? 0;
	return Math.round((now - started) * 1000) / 1_000_000;
}

export function renderPrintJob(cluster: ClusterState, job: PrintJobState, now: number): Record<string, unknown> {
	const buildPlate = job.buildPlate ?? PRINTER_TYPES[cluster.printers.find((p) => p.uuid === job.assigned_to)?.type ?? cluster.printers[0]?.type ?? '']?.buildPlate ?? 'glass';
	return {
		uuid: job.uuid,
		cloud_job_id: job.cloud_job_id,
		name: job.name,
		status: job.status,
		created_at: iso(job.createdAt),
		started: job.started,
		force: job.force,
		time_total: job.time_total,
		time_elapsed: Math.floor(elapsedMsAt(job, now) / 1000),
		machine_variant: job.machine_variant,
		owner: job.owner,
		printer_uuid: job.printer_uuid,
		assigned_to: job.assigned_to,
		printed_on_uuid: job.printed_on_uuid,
		configuration: jobNeeds(job).map((need) => ({
			extruder_index: need.extruder_index,
			print_core_id: need.print_core_id,
			material: jobMaterial(need.material_guid),
		})),
		constraints: {},
		configuration_changes_required: structuredClone(job.configuration_changes_required),
		impediments_to_printing: structuredClone(job.impediments_to_printing ?? []),
		compatible_machine_families: [job.machine_variant],
		build_plate: { type: buildPlate },
		preview_url: null,
		last_seen: lastSeen(cluster, now),
		network_error_count: 0,
		deleted_at: null,
	};
}

function displayStatus(cluster: ClusterState): string {
	if (!cluster.is_online) return 'offline';
	const statuses = cluster.printers.map((p) => printerStatus(cluster, p));
	if (statuses.some((s) => s === 'printing' || s === 'pre_print' || s === 'post_print')) return 'printing';
	if (statuses.every((s) => s === 'idle')) return 'idle';
	return statuses[0] ?? 'idle';
}

/** How a cluster is labelled: its `friendly_name`, else its `host_name`, else its id. */
export function clusterLabel(cluster: ClusterState): string {
	return (cluster.hasFriendlyName !== false && cluster.friendly_name) || cluster.host_name || cluster.cluster_id;
}

export function renderCluster(cluster: ClusterState): Record<string, unknown> {
	const host = cluster.printers[0];
	return {
		cluster_id: cluster.cluster_id,
		host_guid: cluster.host_guid,
		host_name: cluster.host_name,
		host_version: cluster.host_version,
		host_internal_ip: cluster.host_internal_ip,
		// Optional in Ultimaker's model, and absent from its recorded cluster lists.
		...(cluster.hasFriendlyName === false ? {} : { friendly_name: cluster.friendly_name }),
		is_online: cluster.is_online,
		status: cluster.status,
		printer_type: host?.type ?? 'ultimaker3',
		printer_count: cluster.printers.length,
		capabilities: ['queue', 'import_material'],
		display_status: displayStatus(cluster),
		host_printer: host ? renderPrinter(cluster, host) : null,
	};
}

/** `GET /connect/v1/clusters/{id}/status`: printers, then active and queued jobs in queue order, then history. */
export function renderClusterStatus(cluster: ClusterState, now: number): Record<string, unknown> {
	return {
		generated_time: iso(now),
		printers: cluster.printers.map((p) => renderPrinter(cluster, p)),
		print_jobs: [...cluster.queue, ...cluster.history].map((job) => renderPrintJob(cluster, job, now)),
	};
}

/** What `status_description` says per upload status (Ultimaker's answers carry a sentence, not null). */
export function uploadStatusDescription(object: StoredObject): string {
	if (object.status_description) return object.status_description;
	if (object.status === 'uploading') return 'The job is registered; upload the file to upload_url.';
	if (object.status === 'uploaded') return 'The file is uploaded and ready to print.';
	return 'The upload failed.';
}

/** A toolpath job (`/cura/v1/jobs…`): the keys of Ultimaker's recorded answers plus the documented ones. */
export function renderToolpathJob(job: StoredObject, now: number): Record<string, unknown> {
	return {
		job_id: job.id,
		job_name: job.name,
		file_size: job.file_size,
		content_type: job.content_type,
		origin: job.origin,
		status: job.status,
		status_description: uploadStatusDescription(job),
		upload_url: job.status === 'uploading' ? job.upload_url : null,
		download_url: job.download_url,
		slicing_details: null,
		generated_time: iso(now),
	};
}

export const EMULATOR_USER = {
	user_id: '4d3a1f6e-0c1b-4f5e-9a57-2d6c3b1e7f00',
	username: 'emulator-user',
	organization_id: '9c1e7b2a-5d4f-4e3a-8b6c-1f2e3d4c5b6a',
};

export function renderLibraryFile(file: StoredObject): Record<string, unknown> {
	return {
		file_id: file.id,
		file_name: file.name,
		file_size: file.file_size,
		content_type: file.content_type,
		library_project_id: file.library_project_id,
		status: file.status,
		status_description: file.status_description ?? '',
		upload_url: file.status === 'uploading' ? (file.upload_url ?? '') : '',
		download_url: file.download_url ?? '',
		user_id: EMULATOR_USER.user_id,
		username: EMULATOR_USER.username,
		client_id: 'n8n-emulator-client',
		uploaded_at: libraryTime(file.uploadedAt ?? file.createdAt),
	};
}

export function renderProject(project: Project): Record<string, unknown> {
	return {
		library_project_id: project.library_project_id,
		display_name: project.display_name,
		description: project.description,
		username: project.username,
		organization_shared: project.organization_shared,
		organization_id: project.organization_id,
		created_by_user_id: project.created_by_user_id,
		thumbnail_url: project.thumbnail_url,
		tags: [...project.tags],
		team_ids: [...project.team_ids],
		created_at: libraryTime(project.createdAt),
		last_updated: libraryTime(project.updatedAt),
		status: project.status,
		technical_requirements: project.technical_requirements,
		is_inactive: project.is_inactive,
	};
}
