import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { apiData } from '../../connections/cloud/transport/request';
import { rawId } from '../descriptions';
import { pathId } from '../../connections/ids';
import type { OperationModule } from '../operation';
import { withoutUploadUrl } from '../../connections/cloud/twoStageUpload';

export const option: OperationModule['option'] = {
	name: 'Get',
	action: 'Get job',
	description: 'Get an uploaded job (status, download URL) by its job ID',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		description: 'The job_id returned by Upload Job (also called cloud_job_id in cluster status)',
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const jobId = rawId(this.getNodeParameter('jobId', itemIndex, ''));
	const data = await apiData.call(this, connection, {
		method: 'GET',
		path: `/cura/v1/jobs/${pathId.call(this, jobId, 'job ID', itemIndex)}`,
		what: `job ${jobId}`,
		requiredKeys: ['job_id'],
		retry: 'idempotent',
		itemIndex,
	});
	return [withoutUploadUrl(data)];
}
