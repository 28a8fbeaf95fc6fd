/** What Camera Snapshot and Print History share: the printer they are about, and the refusal where a connection has no way to them. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { PrinterConnection } from '../../connections/printerConnection';

export const printerNameProperty: INodeProperties = {
	displayName: 'Printer Name',
	name: 'printerName',
	type: 'string',
	default: '',
	placeholder: 'e.g. ultimakersystem-ccbdd30044ec or Lab-S5',
	description: "The printer's unique_name or friendly_name, as Get Cluster Status lists them; empty: the printer that hosts the group",
};

export function readPrinterName(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('printerName', itemIndex, '');
	return typeof value === 'string' ? value.trim() : String(value ?? '').trim();
}

/**
 * A NodeOperationError naming the connection that cannot do `what`; `instead`: what that connection offers in its
 * place, said after the way to read it from the printer.
 */
export function notAvailable(this: IExecuteFunctions, connection: PrinterConnection, what: string, itemIndex: number, instead = ''): NodeOperationError {
	return new NodeOperationError(this.getNode(), `${what} is not available with the ${connection.kind === 'cloud' ? 'Digital Factory (cloud)' : connection.kind} connection in this build`, {
		description: `Set Authentication to "Local Network (Printer API)" to read it from the printer itself.${instead ? ` ${instead}` : ''}`,
		itemIndex,
	});
}
