/**
 * The `clusterId` resource locator, resolved per run: mode `list` / `id` name a cluster_id (used as is, no extra
 * request, exactly as before); mode `host` names the host printer's `host_guid`, which outlives a reconnect, and is
 * resolved to the cluster that carries it now with one cluster-list request per execution and credential (shared
 * by every item of the run). The matching itself is pure (core/status/identity.ts).
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { clusterByHost, unknownHostProblem } from '../core/status/identity';
import type { ApiCluster } from '../core/status/model';
import type { LocalConnection } from '../connections/local/connection';
import type { PrinterConnection } from '../connections/printerConnection';

/** The cluster an item targets: the cluster_id to use, and the host_guid it was found by (null: chosen by id). */
export interface ClusterTarget {
	clusterId: string;
	hostGuid: string | null;
}

/** One execution's cluster lists, by credential: items of one run ask once. */
const listsOfRun = new WeakMap<object, Map<string, Promise<ApiCluster[]>>>();

function clustersOfRun(context: IExecuteFunctions, connection: PrinterConnection & { baseUrl?: string; credentialType?: string }, itemIndex: number): Promise<ApiCluster[]> {
	let lists = listsOfRun.get(context);
	if (!lists) {
		lists = new Map();
		listsOfRun.set(context, lists);
	}
	const key = `${connection.kind} ${connection.credentialType ?? ''} ${connection.baseUrl ?? ''}`;
	let list = lists.get(key);
	if (!list) {
		list = connection.listClusters({ retry: 'idempotent', itemIndex });
		lists.set(key, list);
		// A failed list is not kept: the next item asks again.
		void list.catch(() => lists!.delete(key));
	}
	return list;
}

function locatorOf(value: unknown): { mode: string; value: string } {
	if (value && typeof value === 'object' && 'value' in value) {
		const locator = value as { mode?: unknown; value?: unknown };
		return { mode: typeof locator.mode === 'string' ? locator.mode : 'id', value: typeof locator.value === 'string' ? locator.value.trim() : String(locator.value ?? '') };
	}
	return { mode: 'id', value: typeof value === 'string' ? value.trim() : String(value ?? '') };
}

/** The item's cluster: by id as given, or by host printer resolved to its current cluster_id. */
export async function readClusterTarget(this: IExecuteFunctions, connection: PrinterConnection, itemIndex: number): Promise<ClusterTarget> {
	// On the local network the credential's printer group is the cluster, named by its host as List clusters and
	// the trigger name it: there is no cluster to choose.
	if (connection.kind === 'localNetwork') return { clusterId: (connection as LocalConnection).host, hostGuid: null };
	const locator = locatorOf(this.getNodeParameter('clusterId', itemIndex, ''));
	if (locator.mode !== 'host') {
		const clusterId = this.getNodeParameter('clusterId', itemIndex, '', { extractValue: true });
		return { clusterId: typeof clusterId === 'string' ? clusterId.trim() : String(clusterId ?? ''), hostGuid: null };
	}
	if (locator.value === '') {
		throw new NodeOperationError(this.getNode(), 'No host printer chosen', { description: 'Pick a printer in "Cluster" (By Host Printer), or give its host GUID.', itemIndex });
	}
	const clusters = await clustersOfRun(this, connection, itemIndex);
	const cluster = clusterByHost(clusters, locator.value);
	if (!cluster) {
		const { message, description } = unknownHostProblem(locator.value, clusters);
		throw new NodeOperationError(this.getNode(), message, { description, itemIndex });
	}
	return { clusterId: cluster.cluster_id, hostGuid: cluster.host_guid ?? locator.value };
}

/** Output fields naming the cluster used: `host_guid` beside `cluster_id` when the cluster was chosen by host. */
export function withHost<T extends object>(item: T, target: ClusterTarget): T {
	return target.hostGuid === null ? item : { ...item, host_guid: target.hostGuid };
}
