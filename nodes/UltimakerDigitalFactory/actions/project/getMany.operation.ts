import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Connection } from '../../shared/transport/request';
import { apiList } from '../../shared/transport/request';
import type { OperationResult } from '../descriptions';
import { returnAllAndLimit, showFor } from '../descriptions';

export const description: INodeProperties[] = [
	...returnAllAndLimit('project', 'getMany'),
	{
		displayName: 'Search',
		name: 'search',
		type: 'string',
		default: '',
		description: 'Only projects whose name contains this text',
		displayOptions: showFor('project', ['getMany']),
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<OperationResult> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Number.MAX_SAFE_INTEGER : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const search = (this.getNodeParameter('search', itemIndex, '') as string).trim();
	return await apiList.call(this, connection, {
		method: 'GET',
		path: '/cura/v1/projects',
		qs: search ? { search } : undefined,
		what: 'the project list',
		retry: 'idempotent',
		itemIndex,
		returnAll,
		limit,
	});
}
