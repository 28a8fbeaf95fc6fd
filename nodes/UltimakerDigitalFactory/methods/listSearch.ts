import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { apiData, getConnection } from '../shared/transport/request';

/** Clusters for the `clusterId` resource locator, searchable by name, printer type or id. */
export async function searchClusters(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const connection = await getConnection.call(this, this.getCurrentNodeParameter('authentication') ?? 'apiToken');
	const clusters = (await apiData.call(this, connection, {
		method: 'GET',
		path: '/connect/v1/clusters',
		what: 'the cluster list',
		retry: 'idempotent',
	})) as unknown as IDataObject[];
	const needle = filter?.trim().toLowerCase() ?? '';
	const results = (Array.isArray(clusters) ? clusters : [])
		.map((cluster) => {
			const id = String(cluster.cluster_id ?? '');
			const name = String(cluster.friendly_name ?? cluster.host_name ?? id);
			const type = String((cluster.host_printer as IDataObject | undefined)?.machine_variant ?? cluster.printer_type ?? '');
			const offline = cluster.is_online === false ? ' — offline' : '';
			return { name: `${name}${type ? ` (${type})` : ''}${offline}`, value: id };
		})
		.filter((result) => result.value !== '')
		.filter((result) => needle === '' || `${result.name} ${result.value}`.toLowerCase().includes(needle))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}
