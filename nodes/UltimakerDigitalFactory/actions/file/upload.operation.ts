import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { binaryUploadProperties } from '../descriptions';
import type { OperationModule } from '../operation';
import { uploadFromItem } from '../upload/fromItem';

export const option: OperationModule['option'] = {
	name: 'Upload',
	action: 'Upload file',
	description: 'Store a model, project or document in the Digital Library (not printable; use Upload Job for toolpaths)',
};

export const properties: INodeProperties[] = [
	...binaryUploadProperties('library'),
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: "the binary's file name",
		description: 'Name to store the file under. Empty: the file name of the binary data.',
	},
	{
		displayName: 'Project ID',
		name: 'projectId',
		type: 'string',
		default: '',
		description: 'Digital Library project to put the file in (library_project_id). Get it from Get Many Projects or Create Project.',
	},
	{
		displayName: 'Wait for Upload',
		name: 'waitForUpload',
		type: 'boolean',
		default: true,
		description: 'Whether to wait (up to a minute) until Digital Factory reports the file as uploaded',
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const result = await uploadFromItem.call(this, itemIndex, connection, 'file', {
		nameParameter: 'fileName',
		waitForUpload: this.getNodeParameter('waitForUpload', itemIndex, true) as boolean,
		projectId: (this.getNodeParameter('projectId', itemIndex, '') as string) || undefined,
	});
	return [result.data];
}
