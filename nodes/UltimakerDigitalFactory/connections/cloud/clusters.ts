/**
 * The one cluster API layer of both nodes: listing (through the paginator), one cluster, its status (the id
 * checked and encoded like every path id), and how a cluster is named in pickers, outputs and events.
 *
 * Inactive clusters: Cura lists clusters with `?status=active`, and an inactive registration cannot print or
 * report a live status, so listing asks for active clusters unless the caller includes inactive ones.
 */
import type { NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Connection, UltimakerContext } from './credential';
import type { RetryPolicy } from './transport/request';
import { apiData, apiList, unreadableAnswer } from './transport/request';
import { checkIdSegment } from '../../core/validation';
import type { ApiCluster, ApiClusterStatus } from '../../core/status/model';

export interface ClusterRequestOptions {
	retry: RetryPolicy;
	itemIndex?: number;
}

/** A cluster's label: its friendly name, else its host name, else its id (Ultimaker's cluster objects may lack a name). */
export function clusterLabel(cluster: Pick<ApiCluster, 'cluster_id' | 'friendly_name' | 'host_name'>): string {
	for (const candidate of [cluster.friendly_name, cluster.host_name]) {
		if (typeof candidate === 'string' && candidate.trim() !== '') return candidate;
	}
	return cluster.cluster_id;
}

/** How a picker shows a cluster: "Lab S5 (Ultimaker S5) — offline". */
export function clusterOptionName(cluster: ApiCluster): string {
	const type = cluster.host_printer?.machine_variant ?? cluster.printer_type ?? '';
	return `${clusterLabel(cluster)}${type ? ` (${type})` : ''}${cluster.is_online === false ? ' — offline' : ''}`;
}

/** The id as one path segment, or a NodeOperationError naming it (dot segments and control characters are refused). */
export function clusterSegment(this: UltimakerContext, clusterId: unknown, itemIndex?: number): string {
	const checked = checkIdSegment(clusterId, 'cluster ID');
	if (!checked.ok) throw new NodeOperationError(this.getNode(), checked.message, { description: checked.hint, itemIndex });
	return checked.value;
}

/**
 * Every cluster of the workspace (active ones unless `includeInactive`), each once; entries whose id is not a
 * usable cluster ID (missing, a dot segment, overlong) are left out.
 */
export async function listClusters(
	this: UltimakerContext,
	connection: Connection,
	options: ClusterRequestOptions & { includeInactive?: boolean },
): Promise<ApiCluster[]> {
	const rows = await apiList.call(this, connection, {
		method: 'GET',
		path: '/connect/v1/clusters',
		qs: options.includeInactive ? undefined : { status: 'active' },
		what: 'the cluster list',
		retry: options.retry,
		itemIndex: options.itemIndex,
		returnAll: true,
		limit: Number.MAX_SAFE_INTEGER,
		sendLimit: false,
		idKey: 'cluster_id',
	});
	return (rows as unknown[] as ApiCluster[]).filter((row) => checkIdSegment(row.cluster_id, 'cluster ID').ok && typeof row.cluster_id === 'string');
}

export async function getCluster(this: UltimakerContext, connection: Connection, clusterId: string, options: ClusterRequestOptions): Promise<ApiCluster> {
	const segment = clusterSegment.call(this, clusterId, options.itemIndex);
	return (await apiData.call(this, connection, {
		method: 'GET',
		path: `/connect/v1/clusters/${segment}`,
		what: `cluster ${clusterId}`,
		requiredKeys: ['cluster_id'],
		...options,
	})) as ApiCluster;
}

/** `GET /connect/v1/clusters/{id}/status`: printers, print jobs (queue and recent history), generated_time. */
export async function getClusterStatus(
	this: UltimakerContext,
	connection: Connection,
	clusterId: string,
	options: ClusterRequestOptions,
): Promise<ApiClusterStatus> {
	const segment = clusterSegment.call(this, clusterId, options.itemIndex);
	const request = { method: 'GET' as const, path: `/connect/v1/clusters/${segment}/status`, what: `the status of cluster ${clusterId}`, ...options };
	const status = (await apiData.call(this, connection, request)) as ApiClusterStatus;
	const listsOk = ['printers', 'print_jobs'].every((key) => status[key] === undefined || status[key] === null || Array.isArray(status[key]));
	if (!listsOk) throw unreadableStatus.call(this, request, status);
	return status;
}

function unreadableStatus(this: UltimakerContext, request: Parameters<typeof unreadableAnswer>[0], status: ApiClusterStatus): NodeApiError | NodeOperationError {
	return unreadableAnswer.call(this, request, { statusCode: 200, body: { data: status }, headers: {} }, 'a status with "printers" and "print_jobs" lists');
}

export interface ClusterFilters {
	onlineOnly?: boolean;
	printerType?: string;
}

/** List clusters' filters, applied here because the API's own `machine_variant` filter wants display names. */
export function filterClusters(clusters: ApiCluster[], filters: ClusterFilters): ApiCluster[] {
	const type = filters.printerType?.trim().toLowerCase();
	return clusters.filter((cluster) => {
		if (filters.onlineOnly && cluster.is_online !== true) return false;
		if (!type) return true;
		return [cluster.printer_type, cluster.host_printer?.machine_variant].some((name) => String(name ?? '').toLowerCase() === type);
	});
}

/** Cluster IDs from the multi-select (an array), or typed/mapped as one string separated by commas or new lines. */
export function parseClusterIds(value: unknown): string[] {
	const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,\n]/) : [];
	const ids = parts
		.map((part) => (typeof part === 'string' ? part.trim() : typeof part === 'number' ? String(part) : ''))
		.filter((part) => part.length > 0);
	return [...new Set(ids)];
}

/** Status requests in flight at once: a farm of many clusters must not open a request per cluster at once. */
const STATUS_CONCURRENCY = 4;

/**
 * `read` for every cluster, at most STATUS_CONCURRENCY at a time; results in the clusters' order, without those
 * `read` gave nothing for.
 */
export async function readEachCluster<C, R>(clusters: C[], read: (cluster: C) => Promise<R | undefined>): Promise<R[]> {
	const results: Array<R | undefined> = new Array(clusters.length);
	let next = 0;
	const worker = async () => {
		while (next < clusters.length) {
			const index = next++;
			results[index] = await read(clusters[index]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(STATUS_CONCURRENCY, clusters.length) }, worker));
	return results.filter((result): result is R => result !== undefined);
}
