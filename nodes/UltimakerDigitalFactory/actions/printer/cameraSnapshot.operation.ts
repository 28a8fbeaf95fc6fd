import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { PrinterConnection } from '../../connections/printerConnection';
import type { OperationModule, OperationOutput } from '../operation';
import { notAvailable, printerNameProperty, readPrinterName } from './shared';

export const option: OperationModule['option'] = {
	name: 'Camera Snapshot',
	action: 'Take a camera snapshot of a printer',
	description: "A JPEG of the printer's camera, as binary data (snapshot)",
};

export const connections: OperationModule['connections'] = ['cloud', 'localNetwork'];

export const properties: INodeProperties[] = [printerNameProperty];

/** Delegates to the connection (each knows where its printers' cameras are); binary `snapshot`, json `{printer_name, printer_uuid, taken_at}`. */
export async function execute(this: IExecuteFunctions, itemIndex: number, connection: PrinterConnection): Promise<OperationOutput> {
	if (!connection.cameraSnapshot) throw notAvailable.call(this, connection, 'Camera Snapshot', itemIndex);
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
