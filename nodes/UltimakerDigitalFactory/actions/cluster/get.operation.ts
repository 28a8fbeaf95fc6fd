import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Connection } from '../../transport/request';
import { apiData } from '../../transport/request';
import type { OperationResult } from '../common';
import { clusterIdProperty, pathId, readClusterId } from '../common';

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
