import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Connection } from '../../shared/transport/request';
import { apiData } from '../../shared/transport/request';
import type { OperationResult } from '../descriptions';
import { pathId, showFor } from '../descriptions';

export const description: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		description: 'The job_id returned by Upload Job (also called cloud_job_id in cluster status)',
		displayOptions: showFor('job', ['get']),
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<OperationResult> {
	const jobId = pathId.call(this, this.getNodeParameter('jobId', itemIndex, ''), 'job ID', itemIndex);
	const data = await apiData.call(this, connection, {
		method: 'GET',
		path: `/cura/v1/jobs/${jobId}`,
		what: `job ${decodeURIComponent(jobId)}`,
		retry: 'idempotent',
		itemIndex,
	});
	const { upload_url: _unused, ...rest } = data as IDataObject;
	void _unused;
	return [rest];
}
