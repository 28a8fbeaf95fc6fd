/**
 * Clusters as the nodes show and pick them (pure): a cluster's label, its name in a picker, List clusters'
 * filters, and the cluster ids a workflow typed or mapped.
 */
import type { ApiCluster } from './model';

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
