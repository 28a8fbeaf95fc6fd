/**
 * Reading many clusters' statuses, for any connection: a few requests at a time, results in the clusters' order,
 * and a cluster that cannot be read kept as an `unreadable` entry with its error — the caller decides (the trigger
 * counts a missed poll, Find printer reports it), nothing is silently left out.
 */
import type { INode } from 'n8n-workflow';

import type { ApiClusterStatus } from '../core/status/model';
import { asNodeError, failureOf } from './failure';
import type { ClusterReading, RequestOptions } from './printerConnection';

/** Status requests in flight at once: a farm of many clusters must not open a request per cluster at once. */
const STATUS_CONCURRENCY = 4;

/** `read` for every item, at most STATUS_CONCURRENCY at a time; results in the items' order. */
export async function inParallel<C, R>(items: C[], read: (item: C) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await read(items[index]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(STATUS_CONCURRENCY, items.length) }, worker));
	return results;
}

export async function readEachStatusWith<C extends { cluster_id: string }>(
	node: INode,
	readStatus: (clusterId: string, options: RequestOptions) => Promise<ApiClusterStatus>,
	clusters: C[],
	options: RequestOptions,
): Promise<Array<ClusterReading<C>>> {
	return await inParallel(clusters, async (cluster): Promise<ClusterReading<C>> => {
		try {
			return { cluster, status: await readStatus(cluster.cluster_id, options) };
		} catch (error) {
			const failure = failureOf(error);
			const reason = failure?.status === 404 ? 'notFound' : 'failed';
			return { cluster, unreadable: { reason, transient: failure?.transient === true, error: asNodeError(node, error, options.itemIndex) } };
		}
	});
}
