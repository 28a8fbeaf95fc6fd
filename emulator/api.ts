/** The Cura (`/cura/v1`) and Connect (`/connect/v1`) API routes. */
import type { Context, Router } from './http';
import { HttpError, notFound, readDataObject, readBody, send, sendJson, validation } from './http';
import type { Runtime } from './runtime';
import { requireToken } from './account';
import type { ClusterState, PrintJobState, StoredObject } from './model';
import { applyPrintJobAction, enqueueJob, queuedCount } from './simulation';
import {
	renderCluster,
	renderClusterStatus,
	renderLibraryFile,
	renderPrintJob,
	renderProject,
	renderToolpathJob,
	clusterLabel,
	iso,
} from './view';

/** Content types `/cura/v1/jobs/upload` takes (UFP, G-code, gzipped G-code, MakerBot). */
export const JOB_CONTENT_TYPES = ['application/x-ufp', 'text/plain', 'application/gzip', 'application/octet-stream'];

const startedAt = Date.now();

function requireString(data: Record<string, unknown>, field: string, max = 1024): string {
	const value = data[field];
	if (typeof value !== 'string' || value.trim() === '') throw validation(`${field}: required, must be a non-empty string`);
	if (value.length > max) throw validation(`${field}: at most ${max} characters`);
	return value;
}

function optionalString(data: Record<string, unknown>, field: string): string | null {
	const value = data[field];
	if (value === undefined || value === null) return null;
	if (typeof value !== 'string' || value === '') throw validation(`${field}: must be a non-empty string when given`);
	return value;
}

function requireFileSize(rt: Runtime, data: Record<string, unknown>): number {
	const size = data.file_size;
	if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) throw validation('file_size: required, must be a positive integer (bytes)');
	if (size > rt.options.maxFileSize) throw validation(`file_size: at most ${rt.options.maxFileSize} bytes`);
	return size;
}

function optionalOrigin(data: Record<string, unknown>): string | null {
	const origin = optionalString(data, 'origin');
	if (origin === null) return null;
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		throw validation('origin: must be an origin like https://example.com');
	}
	if (url.origin !== origin) throw validation('origin: must be an origin (scheme://host[:port]) without path, query or trailing slash');
	return origin;
}

/** The bucket named in resumable-session upload URLs. */
export const STORAGE_BUCKET = 'emulator-digital-factory-uploads';

/**
 * The storage URL of an upload: a Google Cloud Storage resumable session (`/upload/storage/v1/b/<bucket>/o
 * ?uploadType=resumable&upload_id=…`, as in Ultimaker's recorded answer; the upload id is the secret) or a one-time
 * signed URL (`?signature=…&expires=…`, as in Ultimaker's FAQ).
 */
function uploadUrl(rt: Runtime, slotId: string, signature: string, expiresAt: number): string {
	if (rt.options.uploadUrlStyle === 'signed') return `${rt.storageUrl()}/upload/${slotId}?signature=${signature}&expires=${Math.floor(expiresAt / 1000)}`;
	return `${rt.storageUrl()}/upload/storage/v1/b/${STORAGE_BUCKET}/o?uploadType=resumable&upload_id=${slotId}.${signature}`;
}

/** Registers the object and mints its one-time storage URL. */
function createStoredObject(
	rt: Runtime,
	kind: 'job' | 'file',
	fields: Pick<StoredObject, 'name' | 'file_size' | 'content_type' | 'origin' | 'library_project_id' | 'source_file_id'>,
): StoredObject {
	const ids = rt.state.ids;
	const id = kind === 'job' ? ids.jobId() : ids.objectId();
	const slotId = ids.secret(18);
	const signature = ids.secret(32);
	const expiresAt = Date.now() + rt.options.uploadUrlTtlSeconds * 1000;
	const object: StoredObject = {
		kind,
		id,
		...fields,
		status: 'uploading',
		status_description: null,
		uploadSlotId: slotId,
		upload_url: uploadUrl(rt, slotId, signature, expiresAt),
		download_url: null,
		createdAt: rt.clock.now(),
		uploadedAt: null,
		header: null,
	};
	rt.state.objects.set(id, object);
	rt.state.objectOrder.push(id);
	rt.state.uploads.set(slotId, {
		id: slotId,
		signature,
		objectKind: kind,
		objectId: id,
		contentType: fields.content_type,
		size: fields.file_size,
		origin: fields.origin,
		protocol: rt.options.uploadUrlStyle,
		state: 'open',
		expiresAt,
		receivedBytes: 0,
		persistedBytes: 0,
		filePath: null,
		rejections: [],
	});
	return object;
}

/** `limit`/`page` pagination with absolute `links` built from the Host the client used. */
function paginate<T>(ctx: Context, items: T[], defaultLimit: number): { data: T[]; links: Record<string, string | null>; meta: unknown } {
	const parsePositive = (name: string, fallback: number): number => {
		const raw = ctx.query.get(name);
		if (raw === null) return fallback;
		const value = Number(raw);
		if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1 || value > 1_000_000) {
			throw validation(`${name}: must be an integer between 1 and 1000000`);
		}
		return value;
	};
	const limit = parsePositive('limit', defaultLimit);
	const page = parsePositive('page', 1);
	const totalPages = Math.max(1, Math.ceil(items.length / limit));
	const link = (p: number) => {
		const params = new URLSearchParams(ctx.query);
		params.set('limit', String(limit));
		params.set('page', String(p));
		return `${ctx.baseUrl}${ctx.path}?${params.toString()}`;
	};
	return {
		data: items.slice((page - 1) * limit, page * limit),
		links: {
			first: link(1),
			prev: page > 1 ? link(Math.min(page - 1, totalPages)) : null,
			next: page < totalPages ? link(page + 1) : null,
			last: link(totalPages),
		},
		meta: { page: { total_count: items.length, total_pages: totalPages } },
	};
}

function getCluster(rt: Runtime, id: string): ClusterState {
	const cluster = rt.state.clusters.get(id);
	if (!cluster) throw notFound('Cluster', id);
	return cluster;
}

function printerInactive(detail: string): HttpError {
	return new HttpError(409, 'printerInactive', 'The printer is inactive', detail);
}

export function registerApiRoutes(router: Router, rt: Runtime): void {
	const heartbeat = (ctx: Context) =>
		sendJson(ctx, 200, {
			uptime: Math.round((Date.now() - startedAt) / 10) / 100,
			time: new Date(rt.clock.now()).toISOString().replace('T', ' ').slice(0, 19),
			version: '1.0.0',
		});
	router.add('GET', '/cura/v1', heartbeat);
	router.add('GET', '/connect/v1', heartbeat);

	/** Every other route: authenticated, with the simulation brought up to now. */
	const authed = (method: string, pattern: string, handler: (ctx: Context, now: number) => Promise<void> | void) =>
		router.add(method, pattern, async (ctx) => {
			requireToken(rt, ctx);
			await handler(ctx, rt.state.sync());
		});

	// --- Toolpath jobs -------------------------------------------------------------------------------
	authed('PUT', '/cura/v1/jobs/upload', async (ctx) => {
		const data = await readDataObject(ctx);
		const name = requireString(data, 'job_name', 255);
		const size = requireFileSize(rt, data);
		const contentType = requireString(data, 'content_type', 255);
		if (!JOB_CONTENT_TYPES.includes(contentType)) throw validation(`content_type: must be one of ${JOB_CONTENT_TYPES.join(', ')}`);
		const origin = optionalOrigin(data);
		const projectId = optionalString(data, 'library_project_id');
		if (projectId !== null && !rt.state.projects.has(projectId)) throw notFound('Project', projectId);
		const sourceFileId = optionalString(data, 'source_file_id');
		if (sourceFileId !== null && rt.state.objects.get(sourceFileId)?.kind !== 'file') throw notFound('File', sourceFileId);
		const job = createStoredObject(rt, 'job', {
			name,
			file_size: size,
			content_type: contentType,
			origin,
			library_project_id: projectId,
			source_file_id: sourceFileId,
		});
		sendJson(ctx, 200, { data: renderToolpathJob(job, rt.clock.now()) });
	});

	authed('GET', '/cura/v1/jobs/:job_id', (ctx) => {
		const job = rt.state.objects.get(ctx.params.job_id!);
		if (!job || job.kind !== 'job') throw notFound('Job', ctx.params.job_id!);
		sendJson(ctx, 200, { data: renderToolpathJob(job, rt.clock.now()) });
	});

	authed('GET', '/cura/v1/jobs', (ctx) => {
		const jobs = [...rt.state.objectOrder]
			.reverse()
			.map((id) => rt.state.objects.get(id)!)
			.filter((o) => o.kind === 'job')
			.map((o) => renderToolpathJob(o, rt.clock.now()));
		sendJson(ctx, 200, paginate(ctx, jobs, 20));
	});

	// --- Digital Library ------------------------------------------------------------------------------
	authed('PUT', '/cura/v1/files/upload', async (ctx) => {
		const data = await readDataObject(ctx);
		const name = requireString(data, 'file_name', 255);
		const size = requireFileSize(rt, data);
		const contentType = requireString(data, 'content_type', 255);
		if (!/^[a-z]+\/[a-z0-9.+-]+$/i.test(contentType)) throw validation('content_type: must be a MIME type like model/3mf');
		const projectId = optionalString(data, 'library_project_id');
		if (projectId !== null && !rt.state.projects.has(projectId)) throw notFound('Project', projectId);
		const file = createStoredObject(rt, 'file', {
			name,
			file_size: size,
			content_type: contentType,
			origin: optionalOrigin(data),
			library_project_id: projectId,
			source_file_id: null,
		});
		sendJson(ctx, 200, { data: renderLibraryFile(file) });
	});

	authed('GET', '/cura/v1/files/:file_id', (ctx) => {
		const file = rt.state.objects.get(ctx.params.file_id!);
		if (!file || file.kind !== 'file') throw notFound('File', ctx.params.file_id!);
		sendJson(ctx, 200, { data: renderLibraryFile(file) });
	});

	authed('GET', '/cura/v1/projects', (ctx) => {
		const search = ctx.query.get('search')?.toLowerCase() ?? null;
		const shared = ctx.query.get('shared');
		if (shared !== null && shared !== 'true' && shared !== 'false') throw validation('shared: must be true or false');
		const projects = [...rt.state.projects.values()]
			.filter((p) => search === null || p.display_name.toLowerCase().includes(search))
			.filter((p) => shared === null || p.organization_shared === (shared === 'true'))
			.sort((a, b) => b.updatedAt - a.updatedAt)
			.map(renderProject);
		sendJson(ctx, 200, paginate(ctx, projects, 999_999));
	});

	authed('PUT', '/cura/v1/projects', async (ctx, now) => {
		const data = await readDataObject(ctx);
		const project = rt.state.createProject(requireString(data, 'display_name', 255), now);
		sendJson(ctx, 200, { data: renderProject(project) });
	});

	authed('GET', '/cura/v1/projects/:project_id', (ctx) => {
		const project = rt.state.projects.get(ctx.params.project_id!);
		if (!project) throw notFound('Project', ctx.params.project_id!);
		sendJson(ctx, 200, { data: renderProject(project) });
	});

	authed('GET', '/cura/v1/projects/:project_id/files', (ctx) => {
		const id = ctx.params.project_id!;
		if (!rt.state.projects.has(id)) throw notFound('Project', id);
		const files = rt.state.objectOrder
			.map((oid) => rt.state.objects.get(oid)!)
			.filter((o) => o.kind === 'file' && o.library_project_id === id)
			.map(renderLibraryFile);
		sendJson(ctx, 200, { data: files });
	});

	authed('GET', '/cura/v1/feature_budgets', (ctx) => {
		sendJson(ctx, 200, {
			data: {
				library_can_use_business_value: false,
				library_can_use_comments: false,
				library_can_use_status: false,
				library_can_use_tags: false,
				library_can_use_technical_requirements: false,
				library_max_organization_shared_projects: 0,
				library_max_private_projects: -1,
				library_max_team_shared_projects: 0,
			},
		});
	});

	// --- Connect: clusters ------------------------------------------------------------------------------
	authed('GET', '/connect/v1/clusters', (ctx) => {
		const status = ctx.query.get('status');
		if (status !== null && status !== 'active' && status !== 'inactive') throw validation('status: must be active or inactive');
		const variant = ctx.query.get('machine_variant')?.toLowerCase() ?? null;
		const clusters = [...rt.state.clusters.values()]
			.filter((c) => status === null || c.status === status)
			.filter((c) => variant === null || c.printers.some((p) => p.machine_variant.toLowerCase() === variant))
			.map(renderCluster);
		sendJson(ctx, 200, { data: clusters });
	});

	authed('GET', '/connect/v1/clusters/:cluster_id', (ctx) => {
		sendJson(ctx, 200, { data: renderCluster(getCluster(rt, ctx.params.cluster_id!)) });
	});

	authed('GET', '/connect/v1/clusters/:cluster_id/status', (ctx, now) => {
		sendJson(ctx, 200, { data: renderClusterStatus(getCluster(rt, ctx.params.cluster_id!), now) });
	});

	authed('GET', '/connect/v1/clusters/:cluster_id/print_jobs/:uuid', (ctx, now) => {
		const cluster = getCluster(rt, ctx.params.cluster_id!);
		const job = [...cluster.queue, ...cluster.history].find((j) => j.uuid === ctx.params.uuid);
		if (!job) throw notFound('Print job', ctx.params.uuid!);
		sendJson(ctx, 200, { data: renderPrintJob(cluster, job, now) });
	});

	authed('POST', '/connect/v1/clusters/:cluster_id/print/:job_id', async (ctx, now) => {
		await readBody(ctx, 64 * 1024); // Cura posts an empty body; anything small is ignored.
		const cluster = getCluster(rt, ctx.params.cluster_id!);
		const jobId = ctx.params.job_id!;
		const job = rt.state.objects.get(jobId);
		if (!job || job.kind !== 'job') throw notFound('Job', jobId);
		if (job.status !== 'uploaded') {
			throw new HttpError(409, 'jobNotUploaded', 'The job is not uploaded', `Job ${jobId} is ${job.status}; only an uploaded job can be printed.`);
		}
		if (!cluster.is_online) throw printerInactive(`Cluster ${clusterLabel(cluster)} is offline.`);
		if (cluster.status !== 'active') throw printerInactive(`Cluster ${clusterLabel(cluster)} is not active.`);
		if (queuedCount(cluster) + cluster.pendingApproval.length >= cluster.queue_limit) {
			throw new HttpError(409, 'queueFull', 'The print queue is full', `Cluster ${clusterLabel(cluster)} already has ${cluster.queue_limit} queued jobs.`);
		}
		const host = cluster.printers[0]!;
		const uuid = rt.state.ids.uuid();
		const printJob: PrintJobState = {
			uuid,
			cloud_job_id: job.id,
			name: job.name,
			status: 'queued',
			createdAt: now,
			owner: 'emulator-user',
			machine_variant: job.header?.targetMachine ?? host.machine_variant,
			time_total: job.header?.printTimeSeconds ?? rt.state.timings.defaultPrintSeconds,
			elapsedMs: 0,
			phaseStartedAt: now,
			force: false,
			started: false,
			printer_uuid: null,
			assigned_to: null,
			printed_on_uuid: null,
			requiredMaterials: job.header?.materials ?? [],
			extruders: job.header?.extruders ?? [],
			buildPlate: job.header?.buildPlate ?? null,
			printSize: job.header?.size ?? null,
			targetMachine: job.header?.targetMachine ?? null,
			configuration_changes_required: [],
			impediments_to_printing: [],
			aborted: false,
			finishedAt: null,
		};
		let status = 'queued';
		if (cluster.requires_approval) {
			status = 'wait_approval';
			const next = structuredClone(cluster);
			next.pendingApproval.push(printJob);
			rt.state.clusters.set(cluster.cluster_id, next);
		} else {
			rt.state.clusters.set(cluster.cluster_id, enqueueJob(cluster, printJob, now, rt.state.timings));
		}
		// Ultimaker's recorded answers carry these three keys only; one of them has an empty cluster_job_id.
		const clusterJobId = ctx.blankPrintId ? '' : uuid;
		const data: Record<string, unknown> = { cluster_job_id: clusterJobId, job_id: job.id, status };
		if (rt.options.printResponse === 'documented') Object.assign(data, { job_instance_uuid: clusterJobId, generated_time: iso(now) });
		sendJson(ctx, 200, { data });
	});

	authed('POST', '/connect/v1/clusters/:cluster_id/print_jobs/:uuid/action/:action', async (ctx, now) => {
		const body = (await readBody(ctx, 64 * 1024)).toString('utf8');
		let data: unknown = undefined;
		if (body.trim() !== '') {
			try {
				data = (JSON.parse(body) as { data?: unknown })?.data;
			} catch (error) {
				throw new HttpError(400, 'badRequest', 'Bad request', `The request body is not valid JSON: ${(error as Error).message}`);
			}
		}
		const cluster = getCluster(rt, ctx.params.cluster_id!);
		if (ctx.params.action === 'move' && (typeof data !== 'object' || data === null)) {
			throw validation('data: required for move, e.g. {"data": {"list": "queued", "to_position": 0}}');
		}
		const result = applyPrintJobAction(cluster, ctx.params.uuid!, ctx.params.action!, data, now, rt.state.timings);
		if (!result.ok) throw new HttpError(result.error.httpStatus, result.error.code, result.error.title, result.error.detail);
		rt.state.clusters.set(cluster.cluster_id, result.cluster);
		// Actions are fire-and-forget in the real API (Cura ignores the body); clients re-poll /status.
		send(ctx, 204, null);
	});
}
