/**
 * The trigger's I/O: the cluster list and one status per watched cluster, through the connection, turned into
 * observations for the pure diff. Reads use the `rateLimitOnly` policy: a 5xx or a dropped connection is not
 * retried inside the poll — it is a missed poll. Transient failures become "unreachable" observations; anything
 * else fails the poll with the connection's own error.
 */
import type { IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ClusterObservation } from '../core/events';
import type { ApiCluster } from '../core/status/model';
import { clusterLabel } from '../core/status/clusters';
import type { KnownCluster } from '../core/status/identity';
import { resolveSelected } from '../core/status/identity';
import { asNodeError, failureOf } from '../connections/failure';
import type { ClusterReading, PrinterConnection } from '../connections/printerConnection';

export interface ObserveOptions {
	scope: 'all' | 'selected';
	/** Selected clusters: cluster_ids or host_guids (resolved each poll, core/status/identity.ts). */
	clusterIds: string[];
	/** Clusters known from the previous poll (used when the cluster list cannot be fetched, and to follow a reconnect). */
	knownClusters: KnownCluster[];
	/** Manual mode: a transient failure is an error to show, not a missed poll. */
	failOnTransient: boolean;
}

type Watched = Pick<ClusterObservation, 'cluster_id' | 'friendly_name' | 'is_online' | 'host_guid'>;

const READ = { retry: 'rateLimitOnly' as const };

function watchedEntry(cluster: ApiCluster): Watched {
	return {
		cluster_id: cluster.cluster_id,
		friendly_name: clusterLabel(cluster),
		is_online: typeof cluster.is_online === 'boolean' ? cluster.is_online : null,
		host_guid: typeof cluster.host_guid === 'string' ? cluster.host_guid : null,
	};
}

/** The clusters to read this poll, or undefined when the list could not be fetched (a missed poll for all). */
async function watchedClusters(this: IPollFunctions, connection: PrinterConnection, options: ObserveOptions): Promise<Watched[] | undefined> {
	let listed: Map<string, ApiCluster> | undefined;
	try {
		listed = new Map((await connection.listClusters(READ)).map((cluster) => [cluster.cluster_id, cluster]));
	} catch (error) {
		if (options.failOnTransient || failureOf(error)?.transient !== true) throw asNodeError(this.getNode(), error);
	}
	if (options.scope === 'all') return listed ? [...listed.values()].map(watchedEntry) : undefined;
	return resolveSelected(options.clusterIds, listed && [...listed.values()], options.knownClusters).map((entry) =>
		'cluster' in entry ? watchedEntry(entry.cluster) : { ...entry.known, is_online: null },
	);
}

/** One watched cluster's reading as an observation; undefined for a cluster deleted since it was listed. */
function observationOf(this: IPollFunctions, reading: ClusterReading<Watched>, options: ObserveOptions): ClusterObservation | undefined {
	if ('status' in reading) return { ...reading.cluster, status: reading.status };
	const { cluster, unreadable } = reading;
	if (unreadable.transient && !options.failOnTransient) return { ...cluster, unreachable: true };
	if (unreadable.reason !== 'notFound') throw unreadable.error;
	// Deleted between the list and the status call: gone, like a cluster missing from the list.
	if (options.scope === 'all') return undefined;
	throw new NodeOperationError(this.getNode(), `Cluster "${cluster.cluster_id}" was not found`, {
		description: 'It may have been removed from the Digital Factory workspace. Remove it from "Cluster IDs" or watch all clusters.',
	});
}

export async function observeClusters(this: IPollFunctions, connection: PrinterConnection, options: ObserveOptions): Promise<ClusterObservation[]> {
	const watched = await watchedClusters.call(this, connection, options);
	// Cannot tell which clusters exist: every known cluster missed this poll.
	if (!watched) return options.knownClusters.map((cluster) => ({ ...cluster, unreachable: true }));
	const readings = await connection.readEachStatus(watched, READ);
	return readings.map((reading) => observationOf.call(this, reading, options)).filter((observation): observation is ClusterObservation => observation !== undefined);
}
