import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { apiList } from '../../connections/cloud/transport/request';
import { choices, readLimit, returnAllAndLimit } from '../descriptions';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Get Many',
	action: 'Get many projects',
	description: 'List Digital Library projects (name, ID), optionally filtered by a search text',
};

export const properties: INodeProperties[] = [
	...returnAllAndLimit,
	{
		displayName: 'Search',
		name: 'search',
		type: 'string',
		default: '',
		description: 'Only projects whose name contains this text',
	},
	{
		displayName: 'Shared',
		name: 'shared',
		type: 'options',
		default: 'any',
		options: choices([
			['Any', 'any', 'Private and shared projects'],
			['Private Only', 'false', 'Only your own private projects (shared=false)'],
			['Shared Only', 'true', 'Only projects shared with the workspace or a team (shared=true)'],
		]),
		description: 'Whether to list private or shared projects',
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const search = (this.getNodeParameter('search', itemIndex, '') as string).trim();
	const shared = String(this.getNodeParameter('shared', itemIndex, 'any'));
	const qs = { ...(search ? { search } : {}), ...(shared === 'true' || shared === 'false' ? { shared } : {}) };
	return await apiList.call(this, connection, {
		method: 'GET',
		path: '/cura/v1/projects',
		qs: Object.keys(qs).length > 0 ? qs : undefined,
		what: 'the project list',
		idKey: 'library_project_id',
		retry: 'idempotent',
		itemIndex,
		...readLimit.call(this, itemIndex),
	});
}
