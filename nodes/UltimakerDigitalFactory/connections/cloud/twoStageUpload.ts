/**
 * Two-stage upload: register with the API, then PUT the raw bytes to the `upload_url` — streamed from n8n's binary
 * data, with exactly the declared headers and no Authorization header — then (optionally) poll until Digital
 * Factory reports `uploaded`. A one-time signed URL is retried whole on storage 5xx with backoff; a resumable
 * session continues from the bytes storage kept (a fresh stream each attempt; one buffer for all attempts where
 * n8n holds the binary as a buffer anyway).
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { describeNetworkCode } from './transport/describe';
import { redactSecrets } from '../redact';
import { sendOnce } from './transport/send';
import type { BinaryProblem, UploadPlan } from '../../core/upload/plan';
import {
	BINARY_STREAM_CHUNK_BYTES,
	binaryStorageOf,
	binaryStorageProblem,
	missingBinaryProblem,
	readsWholeBinary,
	registrationBody,
	registrationPath,
	isResumableSession,
	keptBytes,
	resumeHeaders,
	SESSION_MAX_PUTS,
	sessionOutcome,
	sessionQueryHeaders,
	STORAGE_MAX_ATTEMPTS,
	storageHeaders,
	storageOutcome,
	storageDeadlineMs,
	storageRetryDelayMs,
	uploadPollDelaysMs,
} from '../../core/upload/plan';
import { checkIdSegment } from '../../core/validation';
import type { CloudCredential } from './credential';
import { apiData } from './transport/request';

/** The stream type n8n's binary helper returns (typed without importing Node's `stream`). */
type Readable = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

export interface BinarySource {
	binary: IBinaryData;
	propertyName: string;
	itemIndex: number;
	/** The decoded bytes, once read (an in-memory binary is read for its size): never decoded a second time. */
	buffer?: Buffer;
}

/**
 * The exact byte count of a binary (metadata for stored data; for in-memory data the decoded bytes that will be
 * sent — base64 with line breaks would otherwise count the line breaks and declare more than is sent).
 */
export async function binarySize(this: IExecuteFunctions, source: BinarySource): Promise<number> {
	if (source.binary.id) {
		return (await this.helpers.getBinaryMetadata(source.binary.id)).fileSize;
	}
	source.buffer ??= await this.helpers.getBinaryDataBuffer(source.itemIndex, source.propertyName);
	return source.buffer.length;
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
 * The body of one attempt, from byte `offset` on: the one buffer read before the first attempt where n8n holds the
 * binary as a buffer (in the item, in its database; past an offset a view into it, not a copy), else a fresh stream
 * (filesystem, S3: memory stays flat) whose first `offset` bytes are read and dropped — n8n's binary stream always
 * starts at the beginning.
 */
async function openBody(this: IExecuteFunctions, source: BinarySource, whole: Buffer | undefined, offset = 0): Promise<Buffer | Readable> {
	if (whole !== undefined) return offset > 0 ? whole.subarray(offset) : whole;
	const stream = await this.helpers.getBinaryStream(String(source.binary.id), BINARY_STREAM_CHUNK_BYTES);
	if (offset > 0) {
		const problem = await skipBytes(stream, offset).then(
			() => undefined,
			(error: unknown) => (error instanceof Error ? error.message : String(error)),
		);
		if (problem !== undefined) {
			stream.destroy();
			throw new NodeOperationError(this.getNode(), problem);
		}
	}
	return stream;
}

/** Reads and drops the first `count` bytes of a stream that is not flowing yet; what it read past them goes back in front. */
export async function skipBytes(stream: Readable, count: number): Promise<void> {
	let left = count;
	while (left > 0) {
		const chunk = stream.read() as Buffer | null;
		if (chunk !== null) {
			if (chunk.length > left) stream.unshift(chunk.subarray(left));
			left -= Math.min(left, chunk.length);
			continue;
		}
		if (stream.readableEnded) throw new Error(`the binary data ended ${left} bytes before byte ${count}`);
		await new Promise<void>((resolve, reject) => {
			const settle = (error?: unknown) => {
				stream.off('readable', settle);
				stream.off('end', settle);
				stream.off('error', settle);
				if (error) reject(error instanceof Error ? error : new Error(String(error)));
				else resolve();
			};
			stream.on('readable', settle);
			stream.on('end', settle);
			stream.on('error', settle);
		});
	}
}

type StorageAttempt =
	| { kind: 'answered'; status: number; text: string; range?: string }
	| { kind: 'network'; code: string }
	| { kind: 'cancelled' };

/**
 * One PUT to the storage URL, through the transport's one exchange (deadline, cancel signal, network codes).
 * Deliberately unauthenticated (no credential type: the token never goes to storage) and without redirects:
 * axios' redirect support would keep a copy of the whole streamed body in memory.
 */
async function putToStorage(
	this: IExecuteFunctions,
	uploadUrl: string,
	headers: Record<string, string>,
	body: Buffer | Readable,
): Promise<StorageAttempt> {
	const request: IHttpRequestOptions = {
		method: 'PUT',
		url: uploadUrl,
		headers,
		body,
		json: false,
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
	};
	try {
		const sent = await sendOnce.call(this, request, { deadlineMs: storageDeadlineMs(Number(headers['Content-Length'] ?? 0)) });
		if (!sent.answered) return sent.cause === 'cancelled' ? { kind: 'cancelled' } : { kind: 'network', code: sent.code };
		const range = (sent.response.headers as Record<string, unknown> | undefined)?.range;
		return { kind: 'answered', status: sent.response.statusCode, text: String(sent.response.body ?? ''), range: typeof range === 'string' ? range : undefined };
	} finally {
		if (typeof (body as Readable).destroy === 'function') (body as Readable).destroy();
	}
}

/** "storage answered 503 (ServiceUnavailable: …)" or "the connection to storage broke (…)". */
function describeAttempt(result: StorageAttempt, secrets: readonly string[]): string {
	if (result.kind === 'cancelled') return 'the workflow was stopped during the upload';
	if (result.kind === 'network') return `the connection to storage broke (${describeNetworkCode(result.code)})`;
	const message = redactSecrets(storageMessage(result.text), secrets);
	return `storage answered ${result.status}${message ? ` (${message})` : ''}`;
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
async function askApi(this: IExecuteFunctions, connection: CloudCredential, plan: UploadPlan, id: string, itemIndex: number): Promise<IDataObject> {
	return await apiData.call(this, connection, {
		method: 'GET',
		path: statusPath(plan, id),
		what: `${plan.target === 'job' ? 'job' : 'file'} ${id}`,
		requiredKeys: [plan.target === 'job' ? 'job_id' : 'file_id'],
		retry: 'idempotent',
		itemIndex,
	});
}

type Stored = { ok: true } | { ok: false; problem: string };

/** One registered upload's bytes on their way to storage (`whole`: the buffer read once, when n8n holds one). */
interface StorageJob {
	connection: CloudCredential;
	plan: UploadPlan;
	source: BinarySource;
	upload: { id: string; uploadUrl: string };
	whole: Buffer | undefined;
}

/** Only a 2xx from storage counts as stored, whichever protocol the upload URL speaks. */
async function storeBytes(this: IExecuteFunctions, job: StorageJob): Promise<Stored> {
	const store = isResumableSession(job.upload.uploadUrl) ? storeInSession : storeOnce;
	return await store.call(this, job);
}

/**
 * A one-time signed URL: the whole file in each attempt. After every failed attempt — before any retry — the API
 * is asked what it has: storage may have kept the bytes although its answer was an error (a 503 after storing),
 * and a used one-time URL cannot be used again.
 */
async function storeOnce(
	this: IExecuteFunctions,
	{ connection, plan, source, upload, whole }: StorageJob,
): Promise<Stored> {
	const headers = storageHeaders(plan);
	let problem = '';
	for (let attempt = 1; attempt <= STORAGE_MAX_ATTEMPTS; attempt++) {
		if (this.getExecutionCancelSignal()?.aborted) return { ok: false, problem: 'the workflow was stopped' };
		const result = await putToStorage.call(this, upload.uploadUrl, headers, await openBody.call(this, source, whole));
		const outcome = result.kind === 'answered' ? storageOutcome(result.status) : 'retry';
		if (outcome === 'stored') return { ok: true };
		problem = describeAttempt(result, connection.secrets);
		const current = await askApi.call(this, connection, plan, upload.id, source.itemIndex);
		if (current.status === 'uploaded') return { ok: true };
		if (current.status === 'failed') return { ok: false, problem: failedProblem(problem, current) };
		if (outcome === 'rejected') return { ok: false, problem };
		if (attempt < STORAGE_MAX_ATTEMPTS) await sleep(storageRetryDelayMs(attempt));
	}
	return { ok: false, problem };
}

function failedProblem(problem: string, current: IDataObject): string {
	return `${problem}; Digital Factory marked the upload failed: ${String(current.status_description ?? 'no reason given')}`;
}

/** A storage failure that ends the upload: the API has the last word (storage may have kept the bytes after all). */
async function settleFailure(this: IExecuteFunctions, connection: CloudCredential, plan: UploadPlan, upload: { id: string }, itemIndex: number, problem: string): Promise<Stored> {
	const current = await askApi.call(this, connection, plan, upload.id, itemIndex);
	if (current.status === 'uploaded') return { ok: true };
	if (current.status === 'failed') return { ok: false, problem: failedProblem(problem, current) };
	return { ok: false, problem };
}

/** Progress of a resumable upload: the bytes storage keeps, attempts in a row that moved nothing, PUTs sent. */
interface Session {
	offset: number;
	misses: number;
	puts: number;
	/** What went wrong with the last data PUT, and with the last status query after it. */
	problem: string;
	queryProblem: string;
	/** Storage must be asked how much it keeps before the next PUT. */
	asking: boolean;
}

function sessionProblem(session: Session): string {
	return session.queryProblem ? `${session.problem}; then asking storage how much of the file it keeps failed: ${session.queryProblem}` : session.problem;
}

/**
 * A resumable session: the first PUT sends the whole file. After a PUT that broke, failed or answered 308, storage
 * is asked how much it kept, and the next PUT sends only the rest (never everything again). An attempt that moved the
 * upload on does not count against the retry budget — a long upload over a flaky link keeps going — up to
 * SESSION_MAX_PUTS PUTs in all.
 */
async function storeInSession(
	this: IExecuteFunctions,
	{ connection, plan, source, upload, whole }: StorageJob,
): Promise<Stored> {
	const session: Session = { offset: 0, misses: 0, puts: 0, problem: '', queryProblem: '', asking: false };
	const giveUp = (problem: string) => settleFailure.call(this, connection, plan, upload, source.itemIndex, problem);
	while (session.puts < SESSION_MAX_PUTS && session.misses < STORAGE_MAX_ATTEMPTS) {
		if (this.getExecutionCancelSignal()?.aborted) return { ok: false, problem: 'the workflow was stopped' };
		if (session.asking) {
			const next = await resumePoint.call(this, upload.uploadUrl, plan, session, connection.secrets);
			if (next === 'stored') return { ok: true };
			if (next === 'stop') return await giveUp(sessionProblem(session));
			if (next === 'wait') {
				if (session.misses < STORAGE_MAX_ATTEMPTS) await sleep(storageRetryDelayMs(session.misses));
				continue;
			}
		}
		let body: Buffer | Readable;
		try {
			body = await openBody.call(this, source, whole, session.offset);
		} catch (error) {
			return { ok: false, problem: `${sessionProblem(session)}; reading the binary again from byte ${session.offset} on failed (${(error as Error).message})` };
		}
		session.puts++;
		const result = await putToStorage.call(this, upload.uploadUrl, resumeHeaders(plan, session.offset), body);
		const outcome = result.kind === 'answered' ? sessionOutcome(result.status) : 'retry';
		if (outcome === 'stored') return { ok: true };
		session.problem = describeAttempt(result, connection.secrets);
		session.queryProblem = '';
		if (outcome === 'gone') return await giveUp(`${session.problem}: the resumable upload session has expired or was cancelled`);
		if (outcome === 'rejected') return await giveUp(session.problem);
		// A 308 that says what storage keeps needs no question; after a break or a 5xx, back off before asking.
		const kept = outcome === 'incomplete' && result.kind === 'answered' && result.range ? keptBytes(result.range, plan.fileSize) : undefined;
		if (kept !== undefined) moveTo(session, kept);
		// Storage keeps every byte yet says incomplete: there is nothing left to send, only a status query to make
		// (a PUT of the "rest" would carry the invalid range bytes <size>-<size-1>).
		if (kept === undefined || kept >= plan.fileSize) session.asking = true;
		if (outcome === 'retry') await sleep(storageRetryDelayMs(session.misses + 1));
	}
	const kept = `storage keeps ${session.offset} of ${plan.fileSize} bytes after ${session.puts} PUTs to the resumable upload session`;
	return await giveUp(`${sessionProblem(session)} (${kept})`);
}

/**
 * Where to continue: asks storage how much it kept (`Content-Range: bytes *` + `/<size>`) and moves
 * `session.offset` there. 'stored': storage has it all; 'put': send the rest; 'wait': the query failed, ask again
 * later; 'stop': the session cannot go on.
 */
async function resumePoint(
	this: IExecuteFunctions,
	uploadUrl: string,
	plan: UploadPlan,
	session: Session,
	secrets: readonly string[],
): Promise<'stored' | 'put' | 'wait' | 'stop'> {
	const result = await putToStorage.call(this, uploadUrl, sessionQueryHeaders(plan), Buffer.alloc(0));
	const outcome = result.kind === 'answered' ? sessionOutcome(result.status) : 'retry';
	if (outcome === 'stored') return 'stored';
	const kept = outcome === 'incomplete' && result.kind === 'answered' ? keptBytes(result.range, plan.fileSize) : undefined;
	if (kept === undefined) {
		const answer =
			outcome === 'incomplete' ? `storage answered 308 with an unreadable Range header (${redactSecrets(String((result as { range?: string }).range), secrets).slice(0, 80)})` : describeAttempt(result, secrets);
		session.queryProblem = outcome === 'gone' ? `${answer}: the resumable upload session has expired or was cancelled` : answer;
		session.misses++;
		return outcome === 'retry' ? 'wait' : 'stop';
	}
	if (kept >= plan.fileSize) {
		// Every byte is there, but storage has not completed the upload: ask again later, never PUT an empty range.
		session.queryProblem = `storage keeps all ${plan.fileSize} bytes but answers 308 (incomplete) to a status query`;
		session.offset = kept;
		session.misses++;
		return 'wait';
	}
	moveTo(session, kept);
	return 'put';
}

/** Storage keeps `kept` bytes: continue there; an attempt that moved nothing counts against the retry budget. */
function moveTo(session: Session, kept: number): void {
	session.misses = kept > session.offset ? 0 : session.misses + 1;
	session.offset = kept;
	session.asking = false;
}

export interface UploadResult {
	data: IDataObject;
	id: string;
}

export async function uploadBinary(
	this: IExecuteFunctions,
	connection: CloudCredential,
	plan: UploadPlan,
	source: BinarySource,
	options: { waitForUpload: boolean },
): Promise<UploadResult> {
	// Read before registering, so a read that fails leaves no unused upload slot behind.
	const whole =
		source.buffer ?? (readsWholeBinary(binaryStorageOf(source.binary.id)) ? await this.helpers.getBinaryDataBuffer(source.itemIndex, source.propertyName) : undefined);
	const { registered, id, uploadUrl } = await registerUpload.call(this, connection, plan, source.itemIndex);
	const stored = await storeBytes.call(this, { connection, plan, source, upload: { id, uploadUrl }, whole });
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
	connection: CloudCredential,
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
async function waitUntilProcessed(this: IExecuteFunctions, connection: CloudCredential, plan: UploadPlan, id: string, itemIndex: number): Promise<IDataObject> {
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
	// Storage's word alone is not enough: until Digital Factory confirms the upload, the file may be incomplete.
	throw new NodeOperationError(this.getNode(), `Storage reports "${plan.name}" complete, but Digital Factory has not confirmed the upload`, {
		description: `The ${kind} ${id} still reports "${String(latest.status)}" after a minute, so it is not known to be usable; nothing was sent to a printer. Check it with Get Job before printing it: print it only once it reports "uploaded".`,
		itemIndex,
	});
}
