/**
 * The trigger's I/O: the cluster list and one status per watched cluster, through the shared cluster API layer,
 * turned into observations for the pure diff. Reads use the `rateLimitOnly` policy: a 5xx or a dropped connection
 * is not retried inside the poll — it is a missed poll. Transient failures become "unreachable" observations;
 * anything else fails the poll with the transport's own error.
 */
import type { IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Connection } from '../connections/cloud/credential';
import type { ApiCluster } from '../core/status/model';
import { clusterLabel, getClusterStatus, listClusters, readEachCluster } from '../connections/cloud/clusters';
import { asNodeError, failureOf } from '../connections/cloud/transport/failure';
import type { ClusterObservation } from '../core/events';

export interface ObserveOptions {
	scope: 'all' | 'selected';
	clusterIds: string[];
	/** Clusters known from the previous poll (used when the cluster list cannot be fetched). */
	knownClusters: Array<{ cluster_id: string; friendly_name: string | null }>;
	/** Manual mode: a transient failure is an error to show, not a missed poll. */
	failOnTransient: boolean;
}

type Watched = Pick<ClusterObservation, 'cluster_id' | 'friendly_name' | 'is_online'>;

const READ = { retry: 'rateLimitOnly' as const };

function isMissedPoll(error: unknown, options: ObserveOptions): boolean {
	return !options.failOnTransient && failureOf(error)?.transient === true;
}

function watchedEntry(cluster: ApiCluster): Watched {
	return { cluster_id: cluster.cluster_id, friendly_name: clusterLabel(cluster), is_online: typeof cluster.is_online === 'boolean' ? cluster.is_online : null };
}

/** The clusters to read this poll, or undefined when the list could not be fetched (a missed poll for all). */
async function watchedClusters(this: IPollFunctions, connection: Connection, options: ObserveOptions): Promise<Watched[] | undefined> {
	let listed: Map<string, ApiCluster> | undefined;
	try {
		listed = new Map((await listClusters.call(this, connection, READ)).map((cluster) => [cluster.cluster_id, cluster]));
	} catch (error) {
		if (!isMissedPoll(error, options)) throw asNodeError(this.getNode(), error);
	}
	if (options.scope === 'all') return listed ? [...listed.values()].map(watchedEntry) : undefined;
	return options.clusterIds.map((clusterId) => {
		const entry = listed?.get(clusterId);
		if (entry) return watchedEntry(entry);
		const known = options.knownClusters.find((cluster) => cluster.cluster_id === clusterId);
		return { cluster_id: clusterId, friendly_name: known?.friendly_name ?? null, is_online: null };
	});
}

/** One watched cluster's status as an observation; undefined for a cluster deleted since it was listed. */
async function observeOne(this: IPollFunctions, connection: Connection, cluster: Watched, options: ObserveOptions): Promise<ClusterObservation | undefined> {
	try {
		return { ...cluster, status: await getClusterStatus.call(this, connection, cluster.cluster_id, READ) };
	} catch (error) {
		if (isMissedPoll(error, options)) return { ...cluster, unreachable: true };
		if (failureOf(error)?.status !== 404) throw asNodeError(this.getNode(), error);
		// Deleted between the list and the status call: gone, like a cluster missing from the list.
		if (options.scope === 'all') return undefined;
		throw new NodeOperationError(this.getNode(), `Cluster "${cluster.cluster_id}" was not found`, {
			description: 'It may have been removed from the Digital Factory workspace. Remove it from "Cluster IDs" or watch all clusters.',
		});
	}
}

export async function observeClusters(this: IPollFunctions, connection: Connection, options: ObserveOptions): Promise<ClusterObservation[]> {
	const watched = await watchedClusters.call(this, connection, options);
	// Cannot tell which clusters exist: every known cluster missed this poll.
	if (!watched) return options.knownClusters.map((cluster) => ({ ...cluster, unreachable: true }));
	return await readEachCluster(watched, async (cluster) => await observeOne.call(this, connection, cluster, options));
}
