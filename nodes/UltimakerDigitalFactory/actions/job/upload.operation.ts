import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Connection } from '../../shared/transport/request';
import type { OperationResult } from '../descriptions';
import { binaryUploadProperties, showFor } from '../descriptions';
import { uploadFromItem } from '../upload/fromItem';

const show = showFor('job', ['upload']);

export const description: INodeProperties[] = [
	...binaryUploadProperties('job', ['upload'], 'toolpath'),
	{
		displayName: 'Job Name',
		name: 'jobName',
		type: 'string',
		default: '',
		placeholder: "the binary's file name",
		description: 'Name shown in Digital Factory. Empty: the file name of the binary data.',
		displayOptions: show,
	},
	{
		displayName: 'Wait for Upload',
		name: 'waitForUpload',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait (up to a minute) until Digital Factory reports the job as uploaded, so the next node can print it',
		displayOptions: show,
	},
	{
		displayName: 'Project ID',
		name: 'projectId',
		type: 'string',
		default: '',
		description: 'Optional Digital Library project to attach the job to (library_project_id)',
		displayOptions: show,
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<OperationResult> {
	const result = await uploadFromItem.call(this, itemIndex, connection, 'job', {
		nameParameter: 'jobName',
		waitForUpload: this.getNodeParameter('waitForUpload', itemIndex, true) as boolean,
		projectId: (this.getNodeParameter('projectId', itemIndex, '') as string) || undefined,
	});
	return [result.data];
}
