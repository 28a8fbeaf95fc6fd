/**
 * Typed operation map (resource → operation → module) and the per-item loop: every output item carries
 * `pairedItem`, errors become error items when "Continue On Fail" is set.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Connection } from '../shared/transport/request';
import { asNodeError, getConnection } from '../shared/transport/request';
import * as cluster from './cluster';
import * as file from './file';
import * as job from './job';
import * as print from './print';
import * as project from './project';

export interface OperationModule {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<IDataObject[]>;
}

export interface OperationsByResource {
	job: { upload: OperationModule; get: OperationModule; getMany: OperationModule };
	file: { upload: OperationModule };
	project: { getMany: OperationModule; create: OperationModule };
	cluster: { getMany: OperationModule; get: OperationModule; getStatus: OperationModule };
	print: { send: OperationModule; uploadAndSend: OperationModule; action: OperationModule };
}

export const operations: OperationsByResource = {
	job: { upload: job.upload, get: job.get, getMany: job.getMany },
	file: { upload: file.upload },
	project: { getMany: project.getMany, create: project.create },
	cluster: { getMany: cluster.getMany, get: cluster.get, getStatus: cluster.getStatus },
	print: { send: print.send, uploadAndSend: print.uploadAndSend, action: print.action },
};

export type Resource = keyof OperationsByResource;

/** The module for a resource/operation pair, or undefined for an unknown pair (no string indexing into code). */
export function findOperation(resource: string, operation: string): OperationModule | undefined {
	if (!Object.prototype.hasOwnProperty.call(operations, resource)) return undefined;
	const byOperation = operations[resource as Resource] as unknown as Record<string, OperationModule>;
	return Object.prototype.hasOwnProperty.call(byOperation, operation) ? byOperation[operation] : undefined;
}

function errorJson(error: Error): IDataObject {
	const json: IDataObject = { error: error.message };
	const withDetails = error as Partial<NodeApiError>;
	if (withDetails.description) json.description = withDetails.description;
	if (error instanceof NodeApiError) {
		if (error.httpCode) json.httpCode = error.httpCode;
		const code = (error.context as IDataObject | undefined)?.code;
		if (code) json.code = code;
	}
	return json;
}

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const module = findOperation(resource, operation);
			if (!module) {
				throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for "${resource}"`, {
					itemIndex,
				});
			}
			const connection = await getConnection.call(this, this.getNodeParameter('authentication', itemIndex, 'apiToken'), itemIndex);
			const results = await module.execute.call(this, itemIndex, connection);
			for (const json of results) output.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (this.continueOnFail()) {
				output.push({ json: errorJson(error as Error), pairedItem: { item: itemIndex } });
				continue;
			}
			throw asNodeError.call(this, error, itemIndex);
		}
	}
	return [output];
}
