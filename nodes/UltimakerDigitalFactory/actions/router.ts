/**
 * Resource → operations record (the one registration point of every operation), and the per-item loop: every
 * output item carries `pairedItem`, errors become error items when "Continue On Fail" is set (with `outcome`:
 * `failed`, or `unknown` when the change may have happened), and every output and error leaves the node free of
 * the credential's secrets.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { CloudConnection } from '../connections/cloud/connection';
import { cloudConnection } from '../connections/cloud/connection';
import { readCloudCredential } from '../connections/cloud/credential';
import { asNodeError, failureOf } from '../connections/failure';
import { redactError, redactOutput } from '../connections/redact';
import * as api from './api';
import * as cluster from './cluster';
import * as file from './file';
import * as job from './job';
import type { OperationItem, OperationModule } from './operation';
import * as print from './print';
import * as printer from './printer';
import * as project from './project';
import * as report from './report';
import * as toolpath from './toolpath';
import * as localNetwork from './localNetwork';
import type { ConnectionKind } from '../connections/printerConnection';
import { localConnection } from '../connections/local/connection';
import { readLocalCredential } from '../connections/local/credential';

const CONNECTION_NAMES: Record<ConnectionKind, string> = { cloud: 'Digital Factory (cloud)', localNetwork: 'local network' };

export const operations = {
	job: job.operations,
	file: file.operations,
	project: project.operations,
	cluster: cluster.operations,
	print: print.operations,
	toolpath: toolpath.operations,
	report: report.operations,
	printer: printer.operations,
	api: api.operations,
	localNetwork: localNetwork.operations,
};

export type Resource = keyof typeof operations;

/** The module for a resource/operation pair, or undefined for an unknown pair (no string indexing into code). */
export function findOperation(resource: string, operation: string): OperationModule | undefined {
	if (!Object.prototype.hasOwnProperty.call(operations, resource)) return undefined;
	const byOperation: Record<string, OperationModule> = operations[resource as Resource];
	return Object.prototype.hasOwnProperty.call(byOperation, operation) ? byOperation[operation] : undefined;
}

function errorJson(error: Error): IDataObject {
	const json: IDataObject = { error: error.message };
	const withDetails = error as Partial<NodeApiError>;
	if (withDetails.description) json.description = withDetails.description;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	const failure = failureOf(error);
	if (failure?.apiCode) json.code = failure.apiCode;
	if (failure) json.outcome = failure.outcome;
	const jobId = (error as Partial<NodeApiError>).context?.job_id;
	if (typeof jobId === 'string') json.job_id = jobId;
	const reportId = (error as Partial<NodeApiError>).context?.report_id;
	if (typeof reportId === 'string') json.report_id = reportId;
	return json;
}

/** The secrets of the credential an item used, for cleaning what leaves the node (filled once it is read). */
interface Secrets {
	values: string[];
}

async function runItem(this: IExecuteFunctions, itemIndex: number, secrets: Secrets): Promise<OperationItem[]> {
	const resource = this.getNodeParameter('resource', itemIndex) as string;
	const operation = this.getNodeParameter('operation', itemIndex) as string;
	const module = findOperation(resource, operation);
	if (!module) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for "${resource}"`, { itemIndex });
	}
	// An operation without API calls must work without a credential: it is given none.
	const authentication = this.getNodeParameter('authentication', itemIndex, 'apiToken');
	const kind: ConnectionKind = authentication === 'localNetwork' ? 'localNetwork' : 'cloud';
	if (module.usesApi !== false && !(module.connections ?? ['cloud']).includes(kind)) {
		throw new NodeOperationError(this.getNode(), `"${module.option.name}" (${resource}) is not available with the ${CONNECTION_NAMES[kind]} connection`, {
			description:
				kind === 'localNetwork'
					? 'The printers\' own API has no Digital Library, uploaded-job list or cloud print send. Use the Digital Factory connection (API Token or OAuth2) for this operation.'
					: 'This operation talks to the printers directly: set Authentication to "Local Network (Printer API)".',
			itemIndex,
		});
	}
	const connection =
		module.usesApi === false
			? undefined
			: kind === 'localNetwork'
				? localConnection(this, await readLocalCredential.call(this, itemIndex))
				: cloudConnection(this, await readCloudCredential.call(this, authentication, itemIndex));
	secrets.values = connection?.secrets ?? [];
	// Operations that list `localNetwork` use only the PrinterConnection members (OperationModule.connections).
	const result = await module.execute.call(this, itemIndex, connection as CloudConnection);
	return Array.isArray(result) ? result.map((json) => ({ json })) : result.items;
}

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const secrets: Secrets = { values: [] };
		try {
			for (const item of await runItem.call(this, itemIndex, secrets)) {
				output.push({ ...item, json: redactOutput(item.json, secrets.values), pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			const clean = redactError(asNodeError(this.getNode(), error, itemIndex), secrets.values);
			if (!this.continueOnFail()) throw clean;
			output.push({ json: errorJson(clean), pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
