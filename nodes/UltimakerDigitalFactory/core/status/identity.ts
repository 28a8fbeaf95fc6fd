/**
 * Which cluster a stored id means now (pure). Digital Factory's FAQ: a `cluster_id` lasts until the printer is
 * disconnected or reset, a printer's `uuid` until a factory reset, the `host_guid` until the main board is
 * replaced. A workflow that names a printer by `host_guid` is resolved here against the current cluster list.
 */
import type { ApiCluster } from './model';
import { clusterLabel } from './clusters';

/** The cluster whose host printer carries this GUID (the first listed, should the account list two), if any. */
export function clusterByHost(clusters: readonly ApiCluster[], hostGuid: string): ApiCluster | undefined {
	const wanted = hostGuid.trim().toLowerCase();
	if (wanted === '') return undefined;
	return clusters.find((cluster) => typeof cluster.host_guid === 'string' && cluster.host_guid.toLowerCase() === wanted);
}

/** How many clusters an error lists by name before it says "and N more". */
const LISTED = 10;

/** A host_guid no cluster of the account carries: what to say, naming it and the printers the account has. */
export function unknownHostProblem(hostGuid: string, clusters: readonly ApiCluster[]): { message: string; description: string } {
	const named = clusters.slice(0, LISTED).map((cluster) => `${clusterLabel(cluster)} (host ${cluster.host_guid ?? 'unknown'})`);
	const more = clusters.length > LISTED ? `, and ${clusters.length - LISTED} more` : '';
	const have = clusters.length === 0 ? 'The account has no active clusters.' : `The account's clusters: ${named.join('; ')}${more}.`;
	return {
		message: `No cluster of this account has the host printer "${hostGuid}"`,
		description: `${have} A host GUID changes only when the printer's main board is replaced; is the printer connected to Digital Factory in this workspace? Pick it again from the list.`,
	};
}

/** A cluster the trigger remembers from an earlier poll. */
export interface KnownCluster {
	cluster_id: string;
	friendly_name: string | null;
	host_guid?: string | null;
	/** cluster_ids it had before a reconnect, as the trigger followed it */
	former_ids?: readonly string[];
}

/**
 * The trigger's selected ids → the clusters to watch, each once: an id is a cluster_id or a host_guid. A
 * cluster_id that is no longer listed is followed to the cluster now carrying the host_guid remembered for it (a
 * reconnect); without a list (it could not be fetched) a host_guid is looked up among the remembered clusters.
 * An id that matches nothing is kept as it is (its status read then says whether it exists).
 */
export function resolveSelected(
	selected: readonly string[],
	listed: readonly ApiCluster[] | undefined,
	known: readonly KnownCluster[],
): Array<{ cluster: ApiCluster } | { known: KnownCluster }> {
	const byId = new Map((listed ?? []).map((cluster) => [cluster.cluster_id, cluster]));
	const resolved: Array<{ cluster: ApiCluster } | { known: KnownCluster }> = [];
	const seen = new Set<string>();
	const add = (entry: { cluster: ApiCluster } | { known: KnownCluster }) => {
		const id = 'cluster' in entry ? entry.cluster.cluster_id : entry.known.cluster_id;
		if (seen.has(id)) return;
		seen.add(id);
		resolved.push(entry);
	};
	for (const id of selected) {
		const listedEntry = byId.get(id) ?? (listed ? clusterByHost(listed, id) : undefined);
		if (listedEntry) {
			add({ cluster: listedEntry });
			continue;
		}
		const remembered =
			known.find((cluster) => cluster.cluster_id === id) ??
			known.find((cluster) => !!cluster.host_guid && cluster.host_guid === id) ??
			known.find((cluster) => cluster.former_ids?.includes(id));
		const followed = listed && remembered?.host_guid ? clusterByHost(listed, remembered.host_guid) : undefined;
		if (followed) add({ cluster: followed });
		else add({ known: remembered ?? { cluster_id: id, friendly_name: null } });
	}
	return resolved;
}
