import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { referenceOf } from '../../core/reference';
import { binaryUploadProperties, jobNameProperty, readReference, referenceProperty } from '../descriptions';
import type { OperationModule } from '../operation';
import { uploadFromItem } from '../upload/fromItem';

export const option: OperationModule['option'] = {
	name: 'Upload',
	action: 'Upload job',
	description: 'Upload a sliced file (.gcode, .gcode.gz, .ufp) so it can be printed; returns its job ID',
};

export const properties: INodeProperties[] = [
	...binaryUploadProperties('toolpath'),
	jobNameProperty,
	referenceProperty('Order reference to keep with the job (in its name, as "[ref=…] name"), so its prints can be matched to the order.'),
	{
		displayName: 'Wait for Upload',
		name: 'waitForUpload',
		type: 'boolean',
		default: true,
		description: 'Whether to wait (up to a minute) until Digital Factory reports the job as uploaded, so the next node can print it',
	},
	{
		displayName: 'Project ID',
		name: 'projectId',
		type: 'string',
		default: '',
		description: 'Optional Digital Library project to attach the job to (library_project_id)',
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const result = await uploadFromItem.call(this, itemIndex, connection, 'job', {
		nameParameter: 'jobName',
		waitForUpload: this.getNodeParameter('waitForUpload', itemIndex, true) as boolean,
		projectId: (this.getNodeParameter('projectId', itemIndex, '') as string) || undefined,
		reference: readReference.call(this, itemIndex),
	});
	return [{ ...result.data, reference: referenceOf(result.data.job_name) }];
}
