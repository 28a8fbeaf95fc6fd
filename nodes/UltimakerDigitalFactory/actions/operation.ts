/**
 * What an operation is, and how a resource's operations become the node's parameters. Each resource's
 * `index.ts` exports one record of its operations: the router maps resources to those records, and the node's
 * description is built from the same records, so an operation is registered in exactly one place.
 */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { CloudConnection } from '../connections/cloud/connection';
import type { ConnectionKind } from '../connections/printerConnection';

/** The operation's entry in the "Operation" picker (its value is its key in the resource's record). */
export interface OperationOption {
	name: string;
	/** The action label n8n shows in the nodes panel and gives an AI Agent as the tool's description. */
	action: string;
	description: string;
}

/** An output item with binary data (Inspect toolpath's thumbnail); most operations return plain JSON objects. */
export interface OperationItem {
	json: IDataObject;
	binary?: IBinaryKeyData;
}

/** One input item's output: JSON objects, or whole items when binary data goes along. */
export type OperationOutput = IDataObject[] | { items: OperationItem[] };

export interface OperationModule {
	option: OperationOption;
	/** The operation's own parameters, without displayOptions: they are shown for this resource and operation. */
	properties: INodeProperties[];
	/** false: the operation makes no API call, so it reads no credential (the router passes no connection). */
	usesApi?: boolean;
	/**
	 * The connections the operation works with; default cloud only. With any other, the router refuses the
	 * operation with a NodeOperationError naming the connection. Operations listed for `localNetwork` use only
	 * the PrinterConnection members of the connection they are given.
	 */
	connections?: readonly ConnectionKind[];
	execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<OperationOutput>;
}

export type OperationsRecord = Record<string, OperationModule>;

/** The resource's "Operation" picker and every operation's parameters, each shown only for its operation. */
export function resourceDescription(resource: string, operations: OperationsRecord, defaultOperation: keyof typeof operations): INodeProperties[] {
	const picker: INodeProperties = {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options: Object.entries(operations)
			.map(([value, operation]) => ({ ...operation.option, value }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		default: defaultOperation,
	};
	const parameters = Object.entries(operations).flatMap(([value, operation]) =>
		updateDisplayOptions({ show: { resource: [resource], operation: [value] } }, operation.properties),
	);
	return [picker, ...parameters];
}
