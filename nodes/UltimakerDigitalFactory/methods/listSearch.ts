import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { readCloudCredential } from '../connections/cloud/credential';
import { listClusters } from '../connections/cloud/clusterApi';
import { clusterOptionName } from '../core/status/clusters';
import type { ApiCluster } from '../core/status/model';
import { asNodeError } from '../connections/failure';
import { redactError } from '../connections/redact';

/** Clusters for the `clusterId` resource locator, searchable by name, printer type or id. */
export async function searchClusters(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await searchWith.call(this, filter, (cluster) => cluster.cluster_id);
}

/** The same clusters for the locator's `host` mode: the name shown, the host printer's host_guid stored. */
export async function searchClusterHosts(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await searchWith.call(this, filter, (cluster) => (typeof cluster.host_guid === 'string' && cluster.host_guid !== '' ? cluster.host_guid : undefined));
}

async function searchWith(this: ILoadOptionsFunctions, filter: string | undefined, valueOf: (cluster: ApiCluster) => string | undefined): Promise<INodeListSearchResult> {
	const secrets = { values: [] as string[] };
	try {
		const connection = await readCloudCredential.call(this, this.getCurrentNodeParameter('authentication') ?? 'apiToken');
		secrets.values = connection.secrets;
		const clusters = await listClusters.call(this, connection, { retry: 'idempotent' });
		const needle = filter?.trim().toLowerCase() ?? '';
		const results = clusters
			.map((cluster) => ({ name: clusterOptionName(cluster), value: valueOf(cluster) ?? '' }))
			.filter((result) => result.value !== '')
			.filter((result) => needle === '' || `${result.name} ${result.value}`.toLowerCase().includes(needle))
			.sort((a, b) => a.name.localeCompare(b.name));
		return { results };
	} catch (error) {
		// Shown in the editor: free of the credential's secrets like every other error.
		throw redactError(asNodeError(this.getNode(), error), secrets.values);
	}
}
