import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { getConnection } from '../shared/authentication';
import { clusterOptionName, listClusters } from '../shared/api/clusters';

/** The trigger's "Clusters" multi-select: every active cluster, named as everywhere else. */
export async function getClusters(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const connection = await getConnection.call(this, this.getNodeParameter('authentication', 'apiToken'));
	const clusters = await listClusters.call(this, connection, { retry: 'idempotent' });
	return clusters.map((cluster) => ({ name: clusterOptionName(cluster), value: cluster.cluster_id })).sort((a, b) => a.name.localeCompare(b.name));
}
