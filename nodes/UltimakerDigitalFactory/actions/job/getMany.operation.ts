import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Connection } from '../../shared/transport/request';
import { apiList } from '../../shared/transport/request';
import type { OperationResult } from '../descriptions';
import { returnAllAndLimit } from '../descriptions';

export const description: INodeProperties[] = [...returnAllAndLimit('job', 'getMany')];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<OperationResult> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Number.MAX_SAFE_INTEGER : (this.getNodeParameter('limit', itemIndex, 50) as number);
	return await apiList.call(this, connection, {
		method: 'GET',
		path: '/cura/v1/jobs',
		what: 'the job list',
		retry: 'idempotent',
		itemIndex,
		returnAll,
		limit,
	});
}
