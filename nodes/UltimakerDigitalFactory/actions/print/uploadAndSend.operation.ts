import type { IDataObject, IExecuteFunctions, INodeProperties, NodeApiError, NodeOperationError } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { clusterSegment } from '../../connections/cloud/clusterApi';
import { referenceOf } from '../../core/reference';
import type { CloudConnection } from '../../connections/cloud/connection';
import type { PrinterConnection } from '../../connections/printerConnection';
import { asNodeError, failureOf } from '../../connections/failure';
import { readClusterTarget, withHost } from '../clusterTarget';
import { binaryUploadProperties, clusterIdProperty, jobNameProperty, readReference, referenceProperty } from '../descriptions';
import type { OperationModule } from '../operation';
import { materialSummary } from '../toolpath/read';
import { uploadFromItem } from '../upload/fromItem';
import { choosePrinters, copiesProperty, readCopies, readTarget, sendToEach, targetProperty } from './bestMatch';
import { searchScopeProperties, readJobNeeds } from './dispatch';
import { sendPrint } from './printOnce';
import { onlyIfIdleProperty } from './send.operation';

export const option: OperationModule['option'] = {
	name: 'Upload and Send',
	action: 'Upload and print',
	description: 'Starts a real print: uploads a sliced file and queues it on a cluster in one step',
};

/** Works over Digital Factory and over the printers' own API alike (the connection interface). */
export const connections: OperationModule['connections'] = ['cloud', 'localNetwork'];

export const properties: INodeProperties[] = [
	targetProperty,
	clusterIdProperty('The cluster (printer group) whose queue receives the job', { target: ['cluster'] }),
	...binaryUploadProperties('toolpath'),
	jobNameProperty,
	{
		displayName: 'Printer Name',
		name: 'printerName',
		type: 'string',
		default: '',
		placeholder: 'e.g. ultimakersystem-ccbdd30044ec or Lab-S5',
		description:
			"Send the job to this printer of the group (its unique_name or friendly_name, as Get Cluster Status lists them); empty: the group's queue picks a printer",
		displayOptions: { show: { '/authentication': ['localNetwork'], target: ['cluster'] } },
	},
	...updateDisplayOptions({ show: { target: ['bestMatch'] } }, searchScopeProperties),
	copiesProperty,
	onlyIfIdleProperty,
	referenceProperty('Order reference to keep with the job (in its name, as "[ref=…] name"), so the print can be matched to the order.'),
];

/**
 * The upload is done but a print was not sent: say so, so the print can be sent later without uploading the file
 * again — but when the print may have been queued, only after checking the queue.
 */
function uploadedButNotSent(this: IExecuteFunctions, error: unknown, jobId: string, itemIndex: number, connection: PrinterConnection): NodeApiError | NodeOperationError {
	const failure = asNodeError(this.getNode(), error, itemIndex);
	// On the local network the file and the print are one request: there is no uploaded job to send later.
	if (connection.kind === 'localNetwork') return failure;
	const next =
		failureOf(error)?.outcome === 'unknown'
			? `The file itself was uploaded as job ${jobId}. Check the queue for a print of it before sending it again with Send Print (this job ID, no new upload needed).`
			: `The file itself was uploaded as job ${jobId}: use Send Print with this job ID to try again without uploading it again.`;
	failure.description = `${failure.description ?? ''} ${next}`.trim();
	failure.context.job_id = jobId;
	return failure;
}

/**
 * Best match: the toolpath's needs and the printers are settled before the upload (nothing fits → nothing is
 * uploaded), the choice is made again after it (printers change while a big file uploads), then one print each.
 */
async function toBestMatch(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const copies = readCopies.call(this, itemIndex);
	const onlyIfIdle = this.getNodeParameter('onlyIfIdle', itemIndex, false) as boolean;
	const reference = readReference.call(this, itemIndex);
	const { requirements, inspection } = await readJobNeeds.call(this, itemIndex, 'toolpath');
	// The toolpath was read to choose the printer: its material figures go along with each print.
	const figures = inspection ? materialSummary(inspection.json) : {};
	await choosePrinters.call(this, connection, itemIndex, { requirements, copies, onlyIfIdle, nothing: 'nothing was uploaded or sent' });
	const upload = await uploadFromItem.call(this, itemIndex, connection, 'job', { nameParameter: 'jobName', waitForUpload: true, reference });
	let sent: IDataObject[];
	try {
		const chosen = await choosePrinters.call(this, connection, itemIndex, { requirements, copies, onlyIfIdle, nothing: 'nothing was sent' });
		sent = await sendToEach.call(this, connection, itemIndex, { jobId: upload.id, onlyIfIdle }, chosen);
	} catch (error) {
		throw uploadedButNotSent.call(this, error, upload.id, itemIndex, connection);
	}
	return sent.map((print) => ({ ...print, reference: referenceOf(upload.data.job_name), upload: upload.data, ...figures }));
}

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	if (readTarget.call(this, itemIndex) === 'bestMatch') return await toBestMatch.call(this, itemIndex, connection);
	// Find (by host) and validate the cluster before spending time on the upload.
	const target = await readClusterTarget.call(this, connection, itemIndex);
	const clusterId = target.clusterId;
	clusterSegment.call(this, clusterId, itemIndex);
	const onlyIfIdle = this.getNodeParameter('onlyIfIdle', itemIndex, false) as boolean;
	const reference = readReference.call(this, itemIndex);
	const upload = await uploadFromItem.call(this, itemIndex, connection, 'job', { nameParameter: 'jobName', waitForUpload: true, reference });
	try {
		const printed = await sendPrint.call(this, itemIndex, connection, { clusterId, jobId: upload.id, onlyIfIdle });
		return [{ ...withHost(printed, target), reference: referenceOf(upload.data.job_name), upload: upload.data }];
	} catch (error) {
		throw uploadedButNotSent.call(this, error, upload.id, itemIndex, connection);
	}
}
