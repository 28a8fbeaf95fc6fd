/**
 * The Node-RED host: the part of an n8n execution / poll context the shared code uses (hostTypes.ts), built from a
 * Node-RED node's settings, its config node's credentials and one message. HTTP goes through Node's own client
 * (http.ts); a message's Buffer is handed over as it is (the shared code treats it as n8n's in-memory binary: read
 * once, never decoded twice, a resumed upload sends a view into it); state between polls is whatever object the
 * caller passes as static data (the events node keeps it in Node-RED's context).
 */
import type { Readable } from 'node:stream';

import { httpRequest } from './http';
import type { HostBinary, HostContext, HostItem, HostNode, HttpRequestOptions } from './hostTypes';

export interface HostFile {
	buffer: Buffer;
	fileName?: string;
	mimeType?: string;
}

export interface HostOptions {
	node: { id: string; name?: string; type: string };
	mode: 'execute' | 'poll';
	parameters: Record<string, unknown>;
	/** By n8n credential type name: the values the shared code reads (apiToken, baseUrl, origin). */
	credentials: Record<string, Record<string, unknown>>;
	/** The one input item's binary fields (execute mode). */
	files?: Record<string, HostFile>;
	json?: Record<string, unknown>;
	staticData?: Record<string, unknown>;
	signal?: AbortSignal;
}

/** The Buffer behind each binary this host made (input files and prepareBinaryData's outputs). */
const buffers = new WeakMap<HostBinary, Buffer>();

export function bufferOf(binary: HostBinary): Buffer | undefined {
	return buffers.get(binary);
}

function binaryFor(file: HostFile): HostBinary {
	const binary: HostBinary = {
		mimeType: file.mimeType ?? 'application/octet-stream',
		fileName: file.fileName,
		fileSize: String(file.buffer.length),
		fileExtension: file.fileName?.includes('.') ? file.fileName.split('.').pop() : undefined,
		// Only made if something asks: the shared code reads the Buffer itself.
		get data() {
			return file.buffer.toString('base64');
		},
	};
	buffers.set(binary, file.buffer);
	return binary;
}

class HostError extends Error {}

function hostNode(options: HostOptions): HostNode {
	return { id: options.node.id, name: options.node.name || options.node.type, type: options.node.type, typeVersion: 1, position: [0, 0], parameters: {} };
}

/** The one input item: the message's json and its files as binaries. */
function inputItems(options: HostOptions): HostItem[] {
	const binary: Record<string, HostBinary> = {};
	for (const [name, file] of Object.entries(options.files ?? {})) binary[name] = binaryFor(file);
	return [Object.keys(binary).length > 0 ? { json: options.json ?? {}, binary } : { json: options.json ?? {} }];
}

/** n8n's getNodeParameter: the execute context's (name, itemIndex, fallback, options), the poll context's (name, fallback). */
function parameterReader(options: HostOptions): HostContext['getNodeParameter'] {
	const parameter = (name: string, fallback: unknown, hasFallback: boolean): unknown => {
		const value = options.parameters[name];
		if (value !== undefined) return value;
		if (hasFallback) return fallback;
		throw new HostError(`Could not get parameter "${name}"`);
	};
	return (name: string, ...rest: unknown[]) =>
		options.mode === 'execute' ? parameter(name, rest[1], rest.length >= 2) : parameter(name, rest[0], rest.length >= 1);
}

function binaryHelpers(items: HostItem[]): Pick<HostContext['helpers'], 'assertBinaryData' | 'getBinaryDataBuffer' | 'getBinaryMetadata' | 'getBinaryStream' | 'prepareBinaryData'> {
	const bufferAt = (itemIndex: number, propertyName: string): Buffer => {
		const found = items[itemIndex]?.binary?.[propertyName];
		const buffer = found ? buffers.get(found) : undefined;
		if (!buffer) throw new HostError(`No file in "${propertyName}": msg.payload must be a Buffer`);
		return buffer;
	};
	return {
		assertBinaryData(itemIndex: number, propertyName: string) {
			bufferAt(itemIndex, propertyName);
			return items[itemIndex].binary![propertyName];
		},
		getBinaryDataBuffer: async (itemIndex: number, propertyName: string) => bufferAt(itemIndex, propertyName),
		// Binaries made here carry no id, so the shared code never asks for these two.
		async getBinaryMetadata(): Promise<never> {
			throw new HostError('Binary data by id is not available in Node-RED');
		},
		async getBinaryStream(): Promise<Readable> {
			throw new HostError('Binary data by id is not available in Node-RED');
		},
		prepareBinaryData: async (buffer: Buffer, fileName?: string, mimeType?: string) => binaryFor({ buffer, fileName, mimeType }),
	};
}

export function hostContext(options: HostOptions): HostContext {
	const node = hostNode(options);
	const items = inputItems(options);
	const staticData = options.staticData ?? {};
	const context: HostContext = {
		getNode: () => node,
		getNodeParameter: parameterReader(options),
		getInputData: () => items,
		async getCredentials(type: string) {
			const values = options.credentials[type];
			if (!values) throw new HostError(`No credentials for "${type}": set up the Ultimaker connection node`);
			return values;
		},
		getExecutionCancelSignal: () => options.signal,
		continueOnFail: () => false,
		getMode: () => 'trigger',
		getWorkflowStaticData: () => staticData,
		helpers: {
			...binaryHelpers(items),
			httpRequest: async (request: HttpRequestOptions) => await httpRequest(request),
			// What the n8n credential's `authenticate` adds: Authorization: Bearer <token, trimmed>.
			async httpRequestWithAuthentication(this: HostContext, credentialType: string, request: HttpRequestOptions) {
				const values = await context.getCredentials(credentialType);
				const token = String(values.apiToken ?? '').trim();
				return await httpRequest({ ...request, headers: { ...(request.headers ?? {}), Authorization: `Bearer ${token}` } });
			},
			returnJsonArray: (json) => (Array.isArray(json) ? json : [json]).map((entry) => ({ json: entry })),
			async refreshOAuth2Token(): Promise<never> {
				throw new HostError('OAuth2 is not available in Node-RED: use an API token');
			},
		},
	};
	return context;
}
