/**
 * Two-stage upload: register with the API, then PUT the raw bytes to the signed `upload_url` — streamed from
 * n8n's binary data, with exactly the declared headers and no Authorization header — retrying storage 5xx with
 * backoff (a fresh stream each attempt; one buffer for all attempts where n8n holds the binary as a buffer anyway),
 * then (optionally) poll until Digital Factory reports `uploaded`.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { describeNetworkCode } from '../../shared/transport/describe';
import { redactSecrets } from '../../shared/transport/redact';
import type { BinaryProblem, UploadPlan } from './plan';
import {
	BINARY_STREAM_CHUNK_BYTES,
	binaryStorageOf,
	binaryStorageProblem,
	missingBinaryProblem,
	readsWholeBinary,
	registrationBody,
	registrationPath,
	STORAGE_MAX_ATTEMPTS,
	storageHeaders,
	storageOutcome,
	storageRetryDelayMs,
	uploadPollDelaysMs,
} from './plan';
import { checkIdSegment } from '../../shared/validation';
import type { Connection } from '../../shared/authentication';
import { apiData } from '../../shared/transport/request';

/** The stream type n8n's binary helper returns (typed without importing Node's `stream`). */
type Readable = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

export interface BinarySource {
	binary: IBinaryData;
	propertyName: string;
	itemIndex: number;
}

/**
 * The exact byte count of a binary (metadata for stored data; for in-memory data the decoded bytes that will be
 * sent — base64 with line breaks would otherwise count the line breaks and declare more than is sent).
 */
export async function binarySize(this: IExecuteFunctions, source: BinarySource): Promise<number> {
	if (source.binary.id) {
		return (await this.helpers.getBinaryMetadata(source.binary.id)).fileSize;
	}
	return (await this.helpers.getBinaryDataBuffer(source.itemIndex, source.propertyName)).length;
}

/**
 * The size of the binary to upload, after checking that n8n can hand it out at all where it keeps it — so an
 * upload that cannot work fails before anything is registered with Digital Factory.
 */
export async function checkedBinarySize(this: IExecuteFunctions, source: BinarySource, name: string): Promise<number> {
	const storage = binaryStorageOf(source.binary.id);
	let size: number;
	try {
		size = await binarySize.call(this, source);
	} catch (error) {
		throw binaryError.call(this, missingBinaryProblem(storage, name, (error as Error).message), source.itemIndex);
	}
	const problem = binaryStorageProblem(storage, size, name);
	if (problem) throw binaryError.call(this, problem, source.itemIndex);
	return size;
}

function binaryError(this: IExecuteFunctions, problem: BinaryProblem, itemIndex: number): NodeOperationError {
	return new NodeOperationError(this.getNode(), problem.message, { description: problem.description, itemIndex });
}

/**
 * The body of one attempt: the one buffer read before the first attempt where n8n holds the binary as a buffer
 * (in the item, in its database), else a fresh stream (filesystem, S3: memory stays flat).
 */
async function openBody(this: IExecuteFunctions, source: BinarySource, whole: Buffer | undefined): Promise<Buffer | Readable> {
	if (whole !== undefined) return whole;
	return await this.helpers.getBinaryStream(String(source.binary.id), BINARY_STREAM_CHUNK_BYTES);
}

type StorageAttempt =
	| { kind: 'answered'; status: number; text: string }
	| { kind: 'network'; code: string };

/**
 * One PUT to the signed storage URL. Deliberately unauthenticated (`httpRequest`, never the credential) and
 * without redirects: axios' redirect support would keep a copy of the whole streamed body in memory.
 */
async function putToStorage(
	this: IExecuteFunctions,
	uploadUrl: string,
	headers: Record<string, string>,
	body: Buffer | Readable,
): Promise<StorageAttempt> {
	try {
		const response = (await this.helpers.httpRequest({
			method: 'PUT',
			url: uploadUrl,
			headers,
			body,
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			// Stopping the workflow stops a long upload too.
			abortSignal: this.getExecutionCancelSignal(),
		})) as IN8nHttpFullResponse;
		return { kind: 'answered', status: response.statusCode, text: String(response.body ?? '') };
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		return { kind: 'network', code: typeof code === 'string' ? code : 'ECONNRESET' };
	} finally {
		if (typeof (body as Readable).destroy === 'function') (body as Readable).destroy();
	}
}

/** "AccessDenied: This one-time upload URL has already been used." from a GCS-style XML error. */
function storageMessage(text: string): string {
	const pick = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text)?.[1]?.trim();
	const parts = [pick('Code'), pick('Details') ?? pick('Message')].filter(Boolean);
	return parts.length ? parts.join(': ') : text.slice(0, 200);
}

function idOf(data: IDataObject, plan: UploadPlan): string {
	return String((plan.target === 'job' ? data.job_id : data.file_id) ?? '');
}

function statusPath(plan: UploadPlan, id: string): string {
	const checked = checkIdSegment(id, plan.target === 'job' ? 'job ID' : 'file ID');
	return `${plan.target === 'job' ? '/cura/v1/jobs/' : '/cura/v1/files/'}${checked.ok ? checked.value : encodeURIComponent(id)}`;
}

export function withoutUploadUrl(data: IDataObject): IDataObject {
	// The signed URL is one-time and already used; leaving it out keeps signatures out of workflow data.
	const rest = { ...data };
	delete rest.upload_url;
	return rest;
}

/** What the API says it has of an upload: `uploaded`, `failed` (with its reason), or still waiting. */
async function askApi(this: IExecuteFunctions, connection: Connection, plan: UploadPlan, id: string, itemIndex: number): Promise<IDataObject> {
	return await apiData.call(this, connection, {
		method: 'GET',
		path: statusPath(plan, id),
		what: `${plan.target === 'job' ? 'job' : 'file'} ${id}`,
		requiredKeys: [plan.target === 'job' ? 'job_id' : 'file_id'],
		retry: 'idempotent',
		itemIndex,
	});
}

/**
 * The storage PUTs: only a 2xx from storage counts as stored. After every failed attempt — before any retry —
 * the API is asked what it has: storage may have kept the bytes although its answer was an error (a 503 after
 * storing), and a one-time URL cannot be used again.
 */
async function storeBytes(
	this: IExecuteFunctions,
	connection: Connection,
	plan: UploadPlan,
	source: BinarySource,
	upload: { id: string; uploadUrl: string },
	whole: Buffer | undefined,
): Promise<{ ok: true } | { ok: false; problem: string }> {
	const headers = storageHeaders(plan);
	let problem = '';
	for (let attempt = 1; attempt <= STORAGE_MAX_ATTEMPTS; attempt++) {
		if (this.getExecutionCancelSignal()?.aborted) return { ok: false, problem: 'the workflow was stopped' };
		const result = await putToStorage.call(this, upload.uploadUrl, headers, await openBody.call(this, source, whole));
		const outcome = result.kind === 'answered' ? storageOutcome(result.status) : 'retry';
		if (outcome === 'stored') return { ok: true };
		problem =
			result.kind === 'answered'
				? `storage answered ${result.status} (${redactSecrets(storageMessage(result.text))})`
				: `the connection to storage broke (${describeNetworkCode(result.code)})`;
		const current = await askApi.call(this, connection, plan, upload.id, source.itemIndex);
		if (current.status === 'uploaded') return { ok: true };
		if (current.status === 'failed') {
			return { ok: false, problem: `${problem}; Digital Factory marked the upload failed: ${String(current.status_description ?? 'no reason given')}` };
		}
		if (outcome === 'rejected') return { ok: false, problem };
		if (attempt < STORAGE_MAX_ATTEMPTS) await sleep(storageRetryDelayMs(attempt));
	}
	return { ok: false, problem };
}

export interface UploadResult {
	data: IDataObject;
	id: string;
}

export async function uploadBinary(
	this: IExecuteFunctions,
	connection: Connection,
	plan: UploadPlan,
	source: BinarySource,
	options: { waitForUpload: boolean },
): Promise<UploadResult> {
	// Read before registering, so a read that fails leaves no unused upload slot behind.
	const whole = readsWholeBinary(binaryStorageOf(source.binary.id))
		? await this.helpers.getBinaryDataBuffer(source.itemIndex, source.propertyName)
		: undefined;
	const { registered, id, uploadUrl } = await registerUpload.call(this, connection, plan, source.itemIndex);
	const stored = await storeBytes.call(this, connection, plan, source, { id, uploadUrl }, whole);
	if (!stored.ok) {
		throw new NodeApiError(this.getNode(), { message: `Upload failed: ${stored.problem}` } as JsonObject, {
			message: `Uploading "${plan.name}" failed: ${stored.problem}`,
			description: `Nothing was sent to a printer. The ${kindOf(plan)} ${id} stays unusable; run the node again to upload the file anew.`,
			itemIndex: source.itemIndex,
		});
	}
	if (!options.waitForUpload) return { id, data: withoutUploadUrl({ ...registered }) };
	return { id, data: withoutUploadUrl(await waitUntilProcessed.call(this, connection, plan, id, source.itemIndex)) };
}

const kindOf = (plan: UploadPlan) => (plan.target === 'job' ? 'job' : 'file');

/** Stage 1: register the upload; its id and the storage URL to PUT the bytes to. */
async function registerUpload(
	this: IExecuteFunctions,
	connection: Connection,
	plan: UploadPlan,
	itemIndex: number,
): Promise<{ registered: IDataObject; id: string; uploadUrl: string }> {
	const kind = kindOf(plan);
	const registered = await apiData.call(this, connection, {
		method: 'PUT',
		path: registrationPath(plan.target),
		body: registrationBody(plan),
		what: `the ${kind} upload registration`,
		// A repeated registration only leaves an unused upload slot behind; nothing prints twice.
		retry: 'idempotent',
		itemIndex,
	});
	const id = idOf(registered, plan);
	const uploadUrl = registered.upload_url;
	if (!id || typeof uploadUrl !== 'string' || !/^https?:\/\//i.test(uploadUrl)) {
		throw new NodeApiError(this.getNode(), { message: 'Unexpected registration answer' } as JsonObject, {
			message: `Digital Factory registered the ${kind} upload but sent no usable upload URL`,
			description: 'The answer lacked the id or upload_url; nothing was uploaded.',
			itemIndex,
		});
	}
	return { registered, id, uploadUrl };
}

/** After the bytes are stored: poll until Digital Factory reports the upload `uploaded` (or `failed`), a minute at most. */
async function waitUntilProcessed(this: IExecuteFunctions, connection: Connection, plan: UploadPlan, id: string, itemIndex: number): Promise<IDataObject> {
	const kind = kindOf(plan);
	let latest: IDataObject = {};
	for (const delay of [0, ...uploadPollDelaysMs()]) {
		if (delay > 0) await sleep(delay);
		latest = await askApi.call(this, connection, plan, id, itemIndex);
		if (latest.status === 'uploaded') return latest;
		if (latest.status === 'failed') {
			throw new NodeApiError(this.getNode(), { message: 'Upload failed' } as JsonObject, {
				message: `Digital Factory could not process "${plan.name}"`,
				description: `Storage accepted the bytes, but the ${kind} ${id} ended as failed: ${String(latest.status_description ?? 'no reason given')}.`,
				itemIndex,
			});
		}
	}
	throw new NodeOperationError(this.getNode(), `"${plan.name}" is stored but not yet processed by Digital Factory`, {
		description: `The ${kind} ${id} still reports "${String(latest.status)}" after a minute. Use Get Job later, or turn off "Wait for Upload".`,
		itemIndex,
	});
}
