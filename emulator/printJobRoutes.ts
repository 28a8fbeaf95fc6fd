/**
 * Connect print jobs: print an uploaded job on a cluster (`…/print/{job_id}`), read one print job, and the
 * actions on it (`…/print_jobs/{uuid}/action/{action}`).
 */
import type { Context } from './http';
import { HttpError, badRequest, notFound, readBody, send, sendJson, simulationError, validation } from './http';
import type { ApiTable, Runtime } from './runtime';
import { apiRoutes, synced } from './runtime';
import { getCluster } from './apiInput';
import { getStoredObject } from './storedObjects';
import type { ClusterState, PrintJobState, StoredObject } from './stateModel';
import { applyPrintJobAction, enqueueJob, queuedCount, queuedPrintJob } from './simulation';
import { clusterLabel, iso, renderPrintJob } from './view';

function getPrintJob(ctx: Context, rt: Runtime, now: number): void {
	const cluster = getCluster(rt, ctx.params.cluster_id!);
	const job = [...cluster.queue, ...cluster.history].find((j) => j.uuid === ctx.params.uuid);
	if (!job) throw notFound('Print job', ctx.params.uuid!);
	sendJson(ctx, 200, { data: renderPrintJob(cluster, job, now) });
}

function printerInactive(detail: string): HttpError {
	return new HttpError(409, 'printerInactive', 'The printer is inactive', detail);
}

/** Why the cluster cannot take the job now (409), if it cannot. */
function refusePrint(cluster: ClusterState, job: StoredObject): void {
	if (job.status !== 'uploaded') {
		throw new HttpError(409, 'jobNotUploaded', 'The job is not uploaded', `Job ${job.id} is ${job.status}; only an uploaded job can be printed.`);
	}
	if (!cluster.is_online) throw printerInactive(`Cluster ${clusterLabel(cluster)} is offline.`);
	if (cluster.status !== 'active') throw printerInactive(`Cluster ${clusterLabel(cluster)} is not active.`);
	if (queuedCount(cluster) + cluster.pendingApproval.length >= cluster.queue_limit) {
		throw new HttpError(409, 'queueFull', 'The print queue is full', `Cluster ${clusterLabel(cluster)} already has ${cluster.queue_limit} queued jobs.`);
	}
}

/** A new print job of the uploaded `job`, as its toolpath header describes it (the cluster's first printer's variant when it names none). */
function newPrintJob(rt: Runtime, cluster: ClusterState, job: StoredObject, now: number): PrintJobState {
	const fields = { uuid: rt.state.ids.uuid(), cloudJobId: job.id, name: job.name, owner: 'emulator-user', assignedTo: null };
	return queuedPrintJob({ ...fields, header: job.header, fallbackVariant: cluster.printers[0]!.machine_variant }, now, rt.state.timings);
}

async function print(ctx: Context, rt: Runtime, now: number): Promise<void> {
	await readBody(ctx, 64 * 1024); // Cura posts an empty body; anything small is ignored.
	const cluster = getCluster(rt, ctx.params.cluster_id!);
	const job = getStoredObject(rt, 'job', ctx.params.job_id!, 'Job');
	refusePrint(cluster, job);
	const printJob = newPrintJob(rt, cluster, job, now);
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
	const clusterJobId = ctx.blankPrintId ? '' : printJob.uuid;
	const data: Record<string, unknown> = { cluster_job_id: clusterJobId, job_id: job.id, status };
	if (rt.options.printResponse === 'documented') Object.assign(data, { job_instance_uuid: clusterJobId, generated_time: iso(now) });
	sendJson(ctx, 200, { data });
}

/** The `data` of an action's optional `{"data": …}` body. */
async function readActionData(ctx: Context): Promise<unknown> {
	const body = (await readBody(ctx, 64 * 1024)).toString('utf8');
	if (body.trim() === '') return undefined;
	try {
		return (JSON.parse(body) as { data?: unknown })?.data;
	} catch (error) {
		throw badRequest(`The request body is not valid JSON: ${(error as Error).message}`);
	}
}

async function act(ctx: Context, rt: Runtime, now: number): Promise<void> {
	const data = await readActionData(ctx);
	const cluster = getCluster(rt, ctx.params.cluster_id!);
	if (ctx.params.action === 'move' && (typeof data !== 'object' || data === null)) {
		throw validation('data: required for move, e.g. {"data": {"list": "queued", "to_position": 0}}');
	}
	const result = applyPrintJobAction(cluster, ctx.params.uuid!, ctx.params.action!, data, now, rt.state.timings);
	if (!result.ok) throw simulationError(result.error);
	rt.state.clusters.set(cluster.cluster_id, result.cluster);
	// Actions are fire-and-forget in the real API (Cura ignores the body); clients re-poll /status.
	send(ctx, 204, null);
}

export const printJobRoutes: ApiTable = [
	...apiRoutes('bearer', {
		'GET /connect/v1/clusters/:cluster_id/print_jobs/:uuid': synced(getPrintJob),
		'POST /connect/v1/clusters/:cluster_id/print/:job_id': synced(print),
		'POST /connect/v1/clusters/:cluster_id/print_jobs/:uuid/action/:action': synced(act),
	}),
];
