import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Connection } from '../../shared/transport/request';
import { asNodeError } from '../../shared/transport/request';
import type { OperationResult } from '../descriptions';
import { binaryUploadProperties, clusterIdProperty, pathId, readClusterId, showFor } from '../descriptions';
import { uploadFromItem } from '../upload/fromItem';
import { onlyIfIdleProperty } from './send.operation';
import { sendPrint } from './printOnce';

export const description: INodeProperties[] = [
	clusterIdProperty('print', ['uploadAndSend'], 'The cluster (printer group) whose queue receives the job'),
	...binaryUploadProperties('print', ['uploadAndSend'], 'toolpath'),
	{
		displayName: 'Job Name',
		name: 'jobName',
		type: 'string',
		default: '',
		placeholder: "the binary's file name",
		description: 'Name shown in Digital Factory. Empty: the file name of the binary data.',
		displayOptions: showFor('print', ['uploadAndSend']),
	},
	onlyIfIdleProperty(['uploadAndSend']),
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<OperationResult> {
	const clusterId = readClusterId.call(this, itemIndex);
	// Validate the cluster before spending time on the upload.
	pathId.call(this, clusterId, 'cluster ID', itemIndex);
	const onlyIfIdle = this.getNodeParameter('onlyIfIdle', itemIndex, false) as boolean;
	const upload = await uploadFromItem.call(this, itemIndex, connection, 'job', {
		nameParameter: 'jobName',
		waitForUpload: true,
	});
	try {
		const printed = await sendPrint.call(this, itemIndex, connection, clusterId, upload.id, onlyIfIdle);
		return [{ ...printed, upload: upload.data }];
	} catch (error) {
		// The upload is done: say so, so the print can be sent again without uploading the file again.
		const failure = asNodeError.call(this, error, itemIndex);
		failure.description = `${failure.description ?? ''} The file itself was uploaded as job ${upload.id}: use Send Print with this job ID to try again without uploading it again.`.trim();
		failure.context.job_id = upload.id;
		throw failure;
	}
}
