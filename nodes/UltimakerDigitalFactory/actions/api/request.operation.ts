import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { apiRequest, unreadableAnswer } from '../../connections/cloud/transport/request';
import type { ApiService } from '../../core/validation';
import { API_SERVICES, checkApiPath } from '../../core/validation';
import { choices } from '../descriptions';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Request',
	action: 'API request',
	description:
		'Call any Digital Factory API path this node does not model yet (maintenance tasks, job details and notes, filters, reports). Some paths act on real printers (reprint, print job actions): only GET is read-only.',
};

/** Each method, with what the transport does when its answer is lost: only a read is repeated. */
const METHODS = {
	GET: 'Read; retried on 429, 5xx and dropped connections',
	PUT: 'Change; never repeated automatically (only a 429 is retried)',
	POST: 'Change or act (may start, stop or reprint a print); never repeated automatically',
	DELETE: 'Delete; never repeated automatically',
} as const;
type Method = keyof typeof METHODS;

export const properties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		default: 'GET',
		options: Object.entries(METHODS).map(([method, description]) => ({ name: method, value: method, description })),
	},
	{
		displayName: 'Service',
		name: 'service',
		type: 'options',
		default: 'connect',
		options: choices([
			['Connect', 'connect', 'Clusters, printers, print jobs, maintenance (/connect/v1)'],
			['Cura', 'cura', 'Uploaded jobs, Digital Library projects and files (/cura/v1)'],
			['Report', 'report', 'Reports (/report/v1)'],
		]),
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'clusters/<cluster ID>/maintenance/pending',
		description:
			'Path below the service root (e.g. print_jobs, clusters/{cluster ID}/maintenance/pending); "..", "//", absolute URLs and encoded slashes are refused',
	},
	{
		displayName: 'Query Parameters',
		name: 'query',
		type: 'fixedCollection',
		placeholder: 'Add parameter',
		typeOptions: { multipleValues: true },
		default: {},
		options: [
			{
				displayName: 'Parameter',
				name: 'parameter',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'json',
		default: '',
		displayOptions: { show: { method: ['PUT', 'POST', 'DELETE'] } },
		description: 'JSON body, sent as is (Digital Factory expects {"data": {…}})',
	},
];

function readBody(this: IExecuteFunctions, itemIndex: number): IDataObject | undefined {
	const raw = this.getNodeParameter('body', itemIndex, '') as unknown;
	if (raw === '' || raw === undefined || raw === null) return undefined;
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			throw new NodeOperationError(this.getNode(), 'Body is not valid JSON', { description: 'Enter a JSON object, e.g. {"data": {"note": "…"}}.', itemIndex });
		}
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new NodeOperationError(this.getNode(), 'Body must be a JSON object', { description: 'Digital Factory takes {"data": {…}} bodies.', itemIndex });
	}
	return value as IDataObject;
}

function readQuery(this: IExecuteFunctions, itemIndex: number): IDataObject | undefined {
	const entries = (this.getNodeParameter('query.parameter', itemIndex, []) as Array<{ name?: string; value?: unknown }>) ?? [];
	const qs: IDataObject = {};
	for (const entry of entries) {
		const name = String(entry.name ?? '').trim();
		if (name === '') continue;
		qs[name] = entry.value === undefined || entry.value === null ? '' : String(entry.value);
	}
	return Object.keys(qs).length > 0 ? qs : undefined;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const method = String(this.getNodeParameter('method', itemIndex, 'GET')).toUpperCase() as Method;
	if (!Object.prototype.hasOwnProperty.call(METHODS, method)) {
		throw new NodeOperationError(this.getNode(), `Method "${method}" is not offered`, { description: 'Use GET, PUT, POST or DELETE.', itemIndex });
	}
	const service = String(this.getNodeParameter('service', itemIndex, 'connect')) as ApiService;
	if (!API_SERVICES.includes(service)) {
		throw new NodeOperationError(this.getNode(), `Service "${service}" is not offered`, { description: 'Use connect, cura or report.', itemIndex });
	}
	const checked = checkApiPath(this.getNodeParameter('path', itemIndex, ''));
	if (!checked.ok) throw new NodeOperationError(this.getNode(), `Path: ${checked.message}`, { description: checked.hint, itemIndex });
	const path = `/${service}/v1${checked.value ? `/${checked.value}` : ''}`;
	const request = {
		method: method as IHttpRequestMethods,
		path,
		qs: readQuery.call(this, itemIndex),
		body: method === 'GET' ? undefined : readBody.call(this, itemIndex),
		what: `${method} ${path}`,
		// Only a read is repeated: a PUT, POST or DELETE may have acted before its answer was lost.
		retry: method === 'GET' ? ('idempotent' as const) : ('rateLimitOnly' as const),
		itemIndex,
	};
	const response = await apiRequest.call(this, connection, request);
	const body = response.body as unknown;
	// The whole answer (data, meta, links); an empty answer (204) is an empty object, anything but JSON is unreadable.
	if (body === undefined || body === null || body === '') return [{}];
	if (typeof body !== 'object' || Array.isArray(body)) throw unreadableAnswer.call(this, request, response, 'a JSON object', connection.secrets);
	return [body as IDataObject];
}
