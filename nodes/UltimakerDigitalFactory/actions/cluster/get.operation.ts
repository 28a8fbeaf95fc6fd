import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { getCluster } from '../../connections/cloud/clusterApi';
import type { CloudConnection } from '../../connections/cloud/connection';
import { clusterIdProperty, readClusterId } from '../descriptions';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Get',
	action: 'Get cluster',
	description: 'Get one cluster (printer group): name, printer type, online state',
};

export const properties = [clusterIdProperty('The cluster (printer group) to get')];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	return [(await getCluster.call(this, connection, readClusterId.call(this, itemIndex), { retry: 'idempotent', itemIndex })) as IDataObject];
}
