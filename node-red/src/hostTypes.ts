/**
 * What the shared code (the n8n package's compiled actions/, connections/ and trigger/) asks of its host, narrowed
 * to what it calls: `grep -rn "this\.helpers\.\|this\.get[A-Z]" nodes/UltimakerDigitalFactory/{actions,connections,trigger}`.
 * n8n supplies the full IExecuteFunctions / IPollFunctions; Node-RED supplies this subset (host.ts) and hands it
 * over cast to the n8n type, the one place the two meet.
 */
import type { Readable } from 'node:stream';

export interface HttpRequestOptions {
	url: string;
	method?: string;
	headers?: Record<string, unknown>;
	body?: unknown;
	qs?: Record<string, unknown>;
	json?: boolean;
	encoding?: string;
	returnFullResponse?: boolean;
	ignoreHttpStatusErrors?: boolean;
	disableFollowRedirect?: boolean;
	timeout?: number;
	abortSignal?: AbortSignal;
}

export interface HttpFullResponse {
	body: unknown;
	headers: Record<string, unknown>;
	statusCode: number;
	statusMessage: string;
}

export interface HostBinary {
	/** base64, produced only if something reads it (the shared code reads the Buffer through getBinaryDataBuffer). */
	data: string;
	fileName?: string;
	mimeType: string;
	fileSize?: string;
	fileExtension?: string;
	id?: string;
}

export interface HostItem {
	json: Record<string, unknown>;
	binary?: Record<string, HostBinary>;
}

export interface HostNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
}

/** The part of n8n's execute/poll context the shared code uses. */
export interface HostContext {
	getNode(): HostNode;
	getNodeParameter(name: string, ...rest: unknown[]): unknown;
	getInputData(): HostItem[];
	getCredentials(type: string, itemIndex?: number): Promise<Record<string, unknown>>;
	getExecutionCancelSignal(): AbortSignal | undefined;
	continueOnFail(): boolean;
	getMode(): string;
	getWorkflowStaticData(type: string): Record<string, unknown>;
	helpers: {
		httpRequest(options: HttpRequestOptions): Promise<unknown>;
		httpRequestWithAuthentication(this: HostContext, credentialType: string, options: HttpRequestOptions, additional?: unknown): Promise<unknown>;
		assertBinaryData(itemIndex: number, propertyName: string): HostBinary;
		getBinaryDataBuffer(itemIndex: number, propertyName: string): Promise<Buffer>;
		getBinaryMetadata(id: string): Promise<{ fileSize: number; fileName?: string; mimeType?: string }>;
		getBinaryStream(id: string, chunkSize?: number): Promise<Readable>;
		prepareBinaryData(data: Buffer, fileName?: string, mimeType?: string): Promise<HostBinary>;
		returnJsonArray(json: Record<string, unknown> | Array<Record<string, unknown>>): Array<{ json: Record<string, unknown> }>;
		refreshOAuth2Token(): Promise<never>;
	};
}
