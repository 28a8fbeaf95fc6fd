import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { apiData } from '../../connections/cloud/transport/request';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Create',
	action: 'Create project',
	description: 'Create a Digital Library project to keep models and print files together',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Project Name',
		name: 'projectName',
		type: 'string',
		default: '',
		required: true,
		description: 'Display name of the new Digital Library project',
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const name = (this.getNodeParameter('projectName', itemIndex, '') as string).trim();
	if (!name) {
		throw new NodeOperationError(this.getNode(), 'Project Name is empty', { description: 'Enter a name for the new project.', itemIndex });
	}
	const data = await apiData.call(this, connection, {
		method: 'PUT',
		path: '/cura/v1/projects',
		body: { data: { display_name: name } },
		what: `the new project "${name}"`,
		requiredKeys: ['library_project_id'],
		// Creating twice would make two projects: only a 429 (refused before acting) is retried.
		retry: 'rateLimitOnly',
		itemIndex,
	});
	return [data];
}
