import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { readCloudCredential } from '../connections/cloud/credential';
import { listClusters } from '../connections/cloud/clusterApi';
import { clusterOptionName } from '../core/status/clusters';
import { asNodeError } from '../connections/failure';
import { redactError } from '../connections/redact';

/** Clusters for the `clusterId` resource locator, searchable by name, printer type or id. */
export async function searchClusters(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const secrets = { values: [] as string[] };
	try {
		const connection = await readCloudCredential.call(this, this.getCurrentNodeParameter('authentication') ?? 'apiToken');
		secrets.values = connection.secrets;
		const clusters = await listClusters.call(this, connection, { retry: 'idempotent' });
		const needle = filter?.trim().toLowerCase() ?? '';
		const results = clusters
			.map((cluster) => ({ name: clusterOptionName(cluster), value: cluster.cluster_id }))
			.filter((result) => needle === '' || `${result.name} ${result.value}`.toLowerCase().includes(needle))
			.sort((a, b) => a.name.localeCompare(b.name));
		return { results };
	} catch (error) {
		// Shown in the editor: free of the credential's secrets like every other error.
		throw redactError(asNodeError(this.getNode(), error), secrets.values);
	}
}
