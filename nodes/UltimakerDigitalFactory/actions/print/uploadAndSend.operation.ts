import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { clusterSegment } from '../../shared/api/clusters';
import { referenceOf } from '../../shared/reference';
import type { Connection } from '../../shared/authentication';
import { asNodeError, failureOf } from '../../shared/transport/failure';
import { binaryUploadProperties, clusterIdProperty, jobNameProperty, readClusterId, readReference, referenceProperty } from '../descriptions';
import type { OperationModule } from '../operation';
import { uploadFromItem } from '../upload/fromItem';
import { sendPrint } from './printOnce';
import { onlyIfIdleProperty } from './send.operation';

export const option: OperationModule['option'] = {
	name: 'Upload and Send',
	action: 'Upload and print',
	description: 'Upload a sliced file and queue it on a cluster in one step',
};

export const properties: INodeProperties[] = [
	clusterIdProperty('The cluster (printer group) whose queue receives the job'),
	...binaryUploadProperties('toolpath'),
	jobNameProperty,
	onlyIfIdleProperty,
	referenceProperty('Order reference to keep with the job (in its name, as "[ref=…] name"), so the print can be matched to the order.'),
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<IDataObject[]> {
	const clusterId = readClusterId.call(this, itemIndex);
	// Validate the cluster before spending time on the upload.
	clusterSegment.call(this, clusterId, itemIndex);
	const onlyIfIdle = this.getNodeParameter('onlyIfIdle', itemIndex, false) as boolean;
	const reference = readReference.call(this, itemIndex);
	const upload = await uploadFromItem.call(this, itemIndex, connection, 'job', { nameParameter: 'jobName', waitForUpload: true, reference });
	try {
		const printed = await sendPrint.call(this, itemIndex, connection, { clusterId, jobId: upload.id, onlyIfIdle });
		return [{ ...printed, reference: referenceOf(upload.data.job_name), upload: upload.data }];
	} catch (error) {
		// The upload is done: say so, so the print can be sent later without uploading the file again — but when
		// the print may have been queued, only after checking the queue.
		const failure = asNodeError(this.getNode(), error, itemIndex);
		const next =
			failureOf(error)?.outcome === 'unknown'
				? `The file itself was uploaded as job ${upload.id}. Check the queue for a print of it before sending it again with Send Print (this job ID, no new upload needed).`
				: `The file itself was uploaded as job ${upload.id}: use Send Print with this job ID to try again without uploading it again.`;
		failure.description = `${failure.description ?? ''} ${next}`.trim();
		failure.context.job_id = upload.id;
		throw failure;
	}
}
