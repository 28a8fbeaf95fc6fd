import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { clusterSegment, getCluster } from '../../connections/cloud/clusterApi';
import type { CloudConnection } from '../../connections/cloud/connection';
import type { PrinterConnection } from '../../connections/printerConnection';
import { downloadFile } from '../../connections/cloud/download';
import { apiData } from '../../connections/cloud/transport/request';
import { askUntil } from '../../connections/cloud/waitFor';
import { failureError, unreadableFailure } from '../../connections/failure';
import { pathId } from '../../connections/ids';
import { readClusterTarget, withHost } from '../clusterTarget';
import { clusterIdProperty, rawId } from '../descriptions';
import type { OperationModule, OperationOutput } from '../operation';
import { printerNameProperty, readPrinterName } from './shared';

export const option: OperationModule['option'] = {
	name: 'Camera Snapshot',
	action: 'Camera snapshot',
	description:
		"Take a picture with a printer's camera (through Digital Factory, or from the printer on the local network); returns the image as binary \"snapshot\" (e.g. to attach to a failure message)",
};

export const connections: OperationModule['connections'] = ['cloud', 'localNetwork'];

const CLOUD_ONLY = { hide: { '/authentication': ['localNetwork'] } };

/** Ultimaker's example asks for an action's status about once a second. */
const POLL_INTERVAL_MS = 1000;
/** The action's states while it is still under way (Ultimaker's example waits while `pending` or `sent`). */
const UNDER_WAY = new Set(['pending', 'sent']);
const ZERO_UUID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;

export const properties: INodeProperties[] = [
	clusterIdProperty('The cluster (printer group) of the printer'),
	{
		displayName: 'Printer UUID',
		name: 'printerUuid',
		type: 'string',
		default: '',
		placeholder: "the cluster's host printer",
		displayOptions: CLOUD_ONLY,
		description: 'The uuid of the printer (from Get Cluster Status); empty: the printer that hosts the cluster',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 300 },
		default: 30,
		description: 'How long to wait for the printer to take the picture',
		displayOptions: CLOUD_ONLY,
	},
	{ ...printerNameProperty, displayOptions: { show: { '/authentication': ['localNetwork'] } } },
];

/** The host printer's uuid: `host_printer.uuid`, unless it is missing or all zeros, then `host_guid`. */
async function hostPrinter(this: IExecuteFunctions, connection: CloudConnection, clusterId: string, itemIndex: number): Promise<string> {
	const cluster = await getCluster.call(this, connection, clusterId, { retry: 'idempotent', itemIndex });
	const candidates = [cluster.host_printer?.uuid, cluster.host_guid];
	const uuid = candidates.find((value): value is string => typeof value === 'string' && value.trim() !== '' && !ZERO_UUID.test(value));
	if (!uuid) {
		throw new NodeOperationError(this.getNode(), `Cluster ${clusterId} does not name its host printer`, {
			description: 'Enter the Printer UUID (Get Cluster Status lists each printer with its uuid).',
			itemIndex,
		});
	}
	return uuid;
}

function snapshotProblem(this: IExecuteFunctions, itemIndex: number, message: string, description: string): Error {
	return failureError(this.getNode(), unreadableFailure('GET', 'the camera snapshot', 200), { message, description, itemIndex });
}

/** Through Digital Factory: the printer action get_webcam_snapshot, its status until done, then the image. */
async function cloudSnapshot(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<OperationOutput> {
	const target = await readClusterTarget.call(this, connection, itemIndex);
	const clusterId = target.clusterId;
	const cluster = clusterSegment.call(this, clusterId, itemIndex);
	const given = rawId(this.getNodeParameter('printerUuid', itemIndex, ''));
	const printerUuid = given || (await hostPrinter.call(this, connection, clusterId, itemIndex));
	const printer = pathId.call(this, printerUuid, 'printer UUID', itemIndex);
	const timeoutSeconds = Math.max(1, Number(this.getNodeParameter('timeoutSeconds', itemIndex, 30)) || 30);
	const action = await apiData.call(this, connection, {
		method: 'POST',
		path: `/connect/v1/clusters/${cluster}/printers/${printer}/action/get_webcam_snapshot`,
		what: `a camera snapshot of printer ${printerUuid}`,
		// A second picture does no harm: the request is repeated like a read.
		retry: 'idempotent',
		itemIndex,
	});
	const actionId = [action.action_id, action.id].find((value): value is string => typeof value === 'string' && value !== '');
	if (!actionId) throw snapshotProblem.call(this, itemIndex, 'Digital Factory did not say which action takes the snapshot', `Expected an action_id; got: ${JSON.stringify(action).slice(0, 200)}`);
	const statusPath = `/connect/v1/clusters/${cluster}/action_status/${pathId.call(this, actionId, 'action ID', itemIndex)}`;
	const { answer, timedOut } = await askUntil(
		async () =>
			await apiData.call(this, connection, { method: 'GET', path: statusPath, what: `the snapshot action ${actionId}`, requiredKeys: ['status'], retry: 'idempotent', itemIndex }),
		(status) => !UNDER_WAY.has(String(status.status)),
		{ timeoutMs: timeoutSeconds * 1000, intervalMs: POLL_INTERVAL_MS, signal: this.getExecutionCancelSignal() },
	);
	if (timedOut) {
		throw new NodeOperationError(this.getNode(), `Printer ${printerUuid} took no snapshot within ${timeoutSeconds} seconds (action ${actionId}, status "${String(answer.status)}")`, {
			description: 'The printer may be busy, offline or without a camera. Raise the Timeout, or check the printer in Digital Factory.',
			itemIndex,
		});
	}
	const details = answer.status_details as { value?: { image_url?: unknown } } | undefined;
	const imageUrl = details?.value?.image_url;
	if (typeof imageUrl !== 'string' || imageUrl === '') {
		throw snapshotProblem.call(
			this,
			itemIndex,
			`Printer ${printerUuid} took no snapshot (action ${actionId}, status "${String(answer.status)}")`,
			'The printer may have no camera, or it could not take the picture. Check the printer in Digital Factory.',
		);
	}
	const image = await downloadFile.call(this, connection, imageUrl, `the camera snapshot of printer ${printerUuid}`, itemIndex);
	const mimeType = image.contentType?.split(';')[0]?.trim() || 'image/jpeg';
	const extension = mimeType === 'image/png' ? 'png' : 'jpg';
	const json: IDataObject = { cluster_id: clusterId, printer_uuid: printerUuid, image_url: imageUrl, taken_at: new Date().toISOString() };
	const snapshot = await this.helpers.prepareBinaryData(image.data, image.fileName && /\.(jpe?g|png)$/i.test(image.fileName) ? image.fileName : `snapshot.${extension}`, mimeType);
	return { items: [{ json: withHost(json, target), binary: { snapshot } }] };
}

/** Delegates to the connection (each knows where its printers' cameras are); binary `snapshot`, json `{printer_name, printer_uuid, taken_at}`. */
async function connectionSnapshot(this: IExecuteFunctions, itemIndex: number, connection: PrinterConnection & { cameraSnapshot: NonNullable<PrinterConnection['cameraSnapshot']> }): Promise<OperationOutput> {
	const snapshot = await connection.cameraSnapshot(readPrinterName.call(this, itemIndex), itemIndex);
	const takenAt = new Date().toISOString();
	const printerName = String(snapshot.printer.friendly_name ?? snapshot.printer.unique_name ?? 'printer');
	const extension = snapshot.contentType === 'image/png' ? 'png' : 'jpg';
	const fileName = `snapshot-${printerName.replace(/[^A-Za-z0-9._-]+/g, '_')}-${takenAt.replace(/[:.]/g, '-')}.${extension}`;
	const binary = await this.helpers.prepareBinaryData(snapshot.data, fileName, snapshot.contentType);
	return {
		items: [
			{
				json: { printer_name: printerName, printer_uuid: snapshot.printer.uuid ?? null, unique_name: snapshot.printer.unique_name ?? null, taken_at: takenAt },
				binary: { snapshot: binary },
			},
		],
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: PrinterConnection): Promise<OperationOutput> {
	if (connection.kind === 'cloud') return await cloudSnapshot.call(this, itemIndex, connection as CloudConnection);
	if (!connection.cameraSnapshot) throw new NodeOperationError(this.getNode(), `Camera Snapshot is not available with the ${connection.kind} connection`, { itemIndex });
	return await connectionSnapshot.call(this, itemIndex, connection as PrinterConnection & { cameraSnapshot: NonNullable<PrinterConnection['cameraSnapshot']> });
}
