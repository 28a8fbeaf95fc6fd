import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Connection } from '../../shared/transport/request';
import type { OperationResult } from '../descriptions';
import { binaryUploadProperties, showFor } from '../descriptions';
import { uploadFromItem } from '../upload/fromItem';

const show = showFor('file', ['upload']);

export const description: INodeProperties[] = [
	...binaryUploadProperties('file', ['upload'], 'library'),
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: "the binary's file name",
		description: 'Name to store the file under. Empty: the file name of the binary data.',
		displayOptions: show,
	},
	{
		displayName: 'Project ID',
		name: 'projectId',
		type: 'string',
		default: '',
		description: 'Digital Library project to put the file in (library_project_id). Get it from Get Many Projects or Create Project.',
		displayOptions: show,
	},
	{
		displayName: 'Wait for Upload',
		name: 'waitForUpload',
		type: 'boolean',
		default: true,
		description: 'Whether to wait (up to a minute) until Digital Factory reports the file as uploaded',
		displayOptions: show,
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<OperationResult> {
	const result = await uploadFromItem.call(this, itemIndex, connection, 'file', {
		nameParameter: 'fileName',
		waitForUpload: this.getNodeParameter('waitForUpload', itemIndex, true) as boolean,
		projectId: (this.getNodeParameter('projectId', itemIndex, '') as string) || undefined,
	});
	return [result.data];
}
