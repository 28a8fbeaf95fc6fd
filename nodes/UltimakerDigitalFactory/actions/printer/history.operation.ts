import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { PrinterConnection } from '../../connections/printerConnection';
import { readLimit, returnAllAndLimit } from '../descriptions';
import type { OperationModule } from '../operation';
import { notAvailable, printerNameProperty, readPrinterName } from './shared';

export const option: OperationModule['option'] = {
	name: 'Get Print History',
	action: "Get a printer's print history",
	description: "The printer's own record of finished, failed and aborted prints, newest first",
};

export const connections: OperationModule['connections'] = ['cloud', 'localNetwork'];

export const properties: INodeProperties[] = [printerNameProperty, ...returnAllAndLimit];

/**
 * One item per print, with the printer's own fields (`uuid`, `name`, `owner`, `result`, `datetime_started`,
 * `datetime_finished`, `time_elapsed`, `material_0_guid`, `material_0_amount`, … [S: the printer's Swagger page])
 * plus `printer_uuid` and `printer_name`.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, connection: PrinterConnection): Promise<IDataObject[]> {
	if (!connection.printHistory) {
		const instead = 'Through Digital Factory, Print → Get Many with Status "History" lists the finished, failed and aborted prints of the whole workspace, and Report → Create their times and material.';
		throw notAvailable.call(this, connection, 'Print History', itemIndex, instead);
	}
	const { limit } = readLimit.call(this, itemIndex);
	return await connection.printHistory(readPrinterName.call(this, itemIndex), { limit, itemIndex });
}
