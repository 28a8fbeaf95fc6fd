import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { getCluster } from '../../connections/cloud/clusterApi';
import type { CloudConnection } from '../../connections/cloud/connection';
import { readClusterTarget } from '../clusterTarget';
import { clusterIdProperty } from '../descriptions';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Get',
	action: 'Get cluster',
	description: 'Get one cluster (printer group): name, printer type, online state',
};

export const properties = [clusterIdProperty('The cluster (printer group) to get')];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const { clusterId } = await readClusterTarget.call(this, connection, itemIndex);
	// The cluster object carries cluster_id and host_guid itself.
	return [(await getCluster.call(this, connection, clusterId, { retry: 'idempotent', itemIndex })) as IDataObject];
}
