import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { readCloudCredential } from '../connections/cloud/credential';
import { listClusters } from '../connections/cloud/clusterApi';
import { clusterOptionName } from '../core/status/clusters';
import { asNodeError } from '../connections/failure';
import { redactError } from '../connections/redact';

/** The trigger's "Clusters" multi-select: every active cluster, named as everywhere else. */
export async function getClusters(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const secrets = { values: [] as string[] };
	try {
		const connection = await readCloudCredential.call(this, this.getNodeParameter('authentication', 'apiToken'));
		secrets.values = connection.secrets;
		const clusters = await listClusters.call(this, connection, { retry: 'idempotent' });
		return clusters.map((cluster) => ({ name: clusterOptionName(cluster), value: cluster.cluster_id })).sort((a, b) => a.name.localeCompare(b.name));
	} catch (error) {
		// Shown in the editor: free of the credential's secrets like every other error.
		throw redactError(asNodeError(this.getNode(), error), secrets.values);
	}
}
