/**
 * Digital Factory's cluster endpoints: listing (through the paginator), one cluster, and its status (the id
 * checked and encoded like every path id).
 *
 * Inactive clusters: Cura lists clusters with `?status=active`, and an inactive registration cannot print or
 * report a live status, so listing asks for active clusters unless the caller includes inactive ones.
 */
import type { NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CloudCredential, UltimakerContext } from './credential';
import type { RetryPolicy } from './transport/request';
import { apiData, apiList, unreadableAnswer } from './transport/request';
import { checkIdSegment } from '../../core/validation';
import { pathId } from '../ids';
import type { ApiCluster, ApiClusterStatus } from '../../core/status/model';

export interface ClusterRequestOptions {
	retry: RetryPolicy;
	itemIndex?: number;
}



/** The id as one path segment, or a NodeOperationError naming it (dot segments and control characters are refused). */
export function clusterSegment(this: UltimakerContext, clusterId: unknown, itemIndex?: number): string {
	return pathId.call(this, clusterId, 'cluster ID', itemIndex);
}

/**
 * Every cluster of the workspace (active ones unless `includeInactive`), each once; entries whose id is not a
 * usable cluster ID (missing, a dot segment, overlong) are left out.
 */
export async function listClusters(
	this: UltimakerContext,
	connection: CloudCredential,
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

export async function getCluster(this: UltimakerContext, connection: CloudCredential, clusterId: string, options: ClusterRequestOptions): Promise<ApiCluster> {
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
	connection: CloudCredential,
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
