import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { apiList } from '../../connections/cloud/transport/request';
import { readLimit, returnAllAndLimit } from '../descriptions';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Get Many',
	action: 'Get many jobs',
	description: 'List the toolpath jobs uploaded to this account',
};

export const properties = returnAllAndLimit;

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	return await apiList.call(this, connection, {
		method: 'GET',
		path: '/cura/v1/jobs',
		what: 'the job list',
		idKey: 'job_id',
		retry: 'idempotent',
		itemIndex,
		...readLimit.call(this, itemIndex),
	});
}
