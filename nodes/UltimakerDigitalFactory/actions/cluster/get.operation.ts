import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Connection } from '../../shared/transport/request';
import { apiData } from '../../shared/transport/request';
import type { OperationResult } from '../descriptions';
import { clusterIdProperty, pathId, readClusterId } from '../descriptions';

export const description: INodeProperties[] = [
	clusterIdProperty('cluster', ['get'], 'The cluster (printer group) to get'),
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<OperationResult> {
	const clusterId = readClusterId.call(this, itemIndex);
	const segment = pathId.call(this, clusterId, 'cluster ID', itemIndex);
	const data = await apiData.call(this, connection, {
		method: 'GET',
		path: `/connect/v1/clusters/${segment}`,
		what: `cluster ${clusterId}`,
		retry: 'idempotent',
		itemIndex,
	});
	return [data];
}
