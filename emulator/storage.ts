/**
 * The storage listener (a stand-in for storage.googleapis.com), speaking both protocols an `upload_url` may use:
 * a Google Cloud Storage resumable session (`PUT /upload/storage/v1/b/<bucket>/o?uploadType=resumable&upload_id=…`:
 * continued with `Content-Range`, asked with an empty status query) and a one-time signed URL
 * (`PUT /upload/<id>?signature=…`). Either must match the declared Content-Type and Origin, never accepts an
 * Authorization header, and streams the body to a byte counter (or a file) without buffering it;
 * `GET /download/<id>?signature=…`.
 */
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, Writable, pipeline } from 'node:stream';
import type { Context } from './http';
import { send } from './http';
import type { Runtime } from './runtime';
import type { GcodeHeader, StoredObject, UploadSlot } from './stateModel';
import { ToolpathHeaderReader } from './gcode';

function xmlEscape(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A GCS-style XML error; the connection is closed so an unread body is not waited for. */
function sendXmlError(ctx: Context, status: number, code: string, message: string, details?: string): void {
	const xml =
		`<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
		(details ? `<Details>${xmlEscape(details)}</Details>` : '') +
		'</Error>';
	send(ctx, status, xml, { 'Content-Type': 'application/xml; charset=UTF-8', Connection: 'close' });
}

function reject(ctx: Context, slot: UploadSlot | null, status: number, code: string, message: string, details?: string): void {
	slot?.rejections.push({
		at: new Date().toISOString(),
		code,
		reason: details ?? message,
		authorizationHeader: ctx.req.headers.authorization !== undefined,
	});
	sendXmlError(ctx, status, code, message, details);
}

function failObject(rt: Runtime, slot: UploadSlot, description: string): void {
	const object = rt.state.objects.get(slot.objectId);
	slot.state = 'used';
	if (slot.filePath) rmSync(slot.filePath, { force: true });
	slot.filePath = null;
	if (object && object.status === 'uploading') {
		object.status = 'failed';
		object.status_description = description;
	}
}

function completeObject(rt: Runtime, slot: UploadSlot, object: StoredObject, header: GcodeHeader | null): void {
	if (object.status !== 'uploading') return;
	object.status = 'uploaded';
	object.uploadedAt = rt.clock.now();
	object.download_url = `${rt.storageUrl()}/download/${slot.id}?signature=${slot.signature}`;
	if (object.kind === 'job') object.header = header;
}

/**
 * A resumable session keeps the bytes of a broken PUT in whole units of this size (the short last unit only with
 * the complete file), so a client learns where to continue only from the `Range` storage reports, never from what
 * it believes it wrote.
 */
export const PERSIST_UNIT_BYTES = 256 * 1024;

/** The upload slot a storage URL names, in the form its protocol hands out; null when forged. */
function slotOf(rt: Runtime, ctx: Context): { slot: UploadSlot; kind: 'upload' | 'download' } | null {
	if (/^\/upload\/storage\/v1\/b\/[^/]+\/o$/.test(ctx.path)) {
		const [id = '', signature] = (ctx.query.get('upload_id') ?? '').split('.');
		const slot = rt.state.uploads.get(id);
		const valid = slot && slot.protocol === 'resumable' && ctx.query.get('uploadType') === 'resumable' && signature === slot.signature;
		return valid ? { slot, kind: 'upload' } : null;
	}
	const match = /^\/(upload|download)\/([^/]+)$/.exec(ctx.path);
	const slot = match ? rt.state.uploads.get(decodeURIComponent(match[2]!)) : undefined;
	if (!match || !slot || ctx.query.get('signature') !== slot.signature) return null;
	if (match[1] === 'upload' && slot.protocol !== 'signed') return null;
	return { slot, kind: match[1] as 'upload' | 'download' };
}

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided.';

export async function handleStorage(rt: Runtime, ctx: Context): Promise<void> {
	const found = slotOf(rt, ctx);
	if (!found) return reject(ctx, null, 403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH, 'Unknown upload or wrong signature.');
	const slot = found.slot;
	if (found.kind === 'download') return download(rt, ctx, slot);
	if (ctx.method !== 'PUT') return reject(ctx, slot, 403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH, `The URL was signed for PUT, not ${ctx.method}.`);
	// A bearer token must never reach storage: refuse it loudly (and it stays visible in the request log).
	if (ctx.req.headers.authorization !== undefined) {
		return reject(ctx, slot, 400, 'InvalidArgument', 'Invalid argument.', 'Your request has multiple authentication mechanisms: a signed URL and an Authorization header. Send only one.');
	}
	if (slot.protocol === 'resumable') return handleSession(rt, ctx, slot);
	if (slot.state !== 'open') return reject(ctx, slot, 403, 'AccessDenied', 'Access denied.', 'This one-time upload URL has already been used.');
	if (Date.now() >= slot.expiresAt) return reject(ctx, slot, 400, 'ExpiredToken', 'The provided token has expired.', 'The signed upload URL has expired; register the upload again.');
	if (headersRefused(ctx, slot)) return;
	const lengthHeader = ctx.req.headers['content-length'];
	if (lengthHeader === undefined || !/^\d+$/.test(lengthHeader) || Number(lengthHeader) !== slot.size) {
		return reject(ctx, slot, 400, 'InvalidArgument', 'Invalid argument.', `Content-Length ${JSON.stringify(lengthHeader ?? null)} differs from the declared file_size ${slot.size}.`);
	}
	return receive(rt, ctx, slot, 0);
}

/** Content-Type and Origin must be the declared ones; true when the request was refused. */
function headersRefused(ctx: Context, slot: UploadSlot): boolean {
	const contentType = ctx.req.headers['content-type'] ?? '';
	if (contentType !== slot.contentType) {
		reject(ctx, slot, 403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH, `Content-Type ${JSON.stringify(contentType)} differs from the declared ${JSON.stringify(slot.contentType)}.`);
		return true;
	}
	const origin = ctx.req.headers.origin;
	if (slot.origin !== null && origin !== slot.origin) {
		reject(ctx, slot, 403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH, `Origin ${JSON.stringify(origin ?? null)} differs from the declared ${JSON.stringify(slot.origin)}.`);
		return true;
	}
	return false;
}

type SessionRange = { kind: 'whole' } | { kind: 'query' } | { kind: 'bytes'; first: number; last: number } | { kind: 'invalid' };

// `Content-Range` of a PUT to a resumable session: absent (the whole file), `bytes */<size>` (a status query), or
// `bytes <first>-<last>/<size>`.
function sessionRange(header: string | undefined, size: number): SessionRange {
	if (header === undefined) return { kind: 'whole' };
	const total = (text: string) => text === '*' || Number(text) === size;
	const query = /^bytes \*\/(\d+|\*)$/.exec(header.trim());
	if (query) return total(query[1]!) ? { kind: 'query' } : { kind: 'invalid' };
	const bytes = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
	if (!bytes || !total(bytes[3]!)) return { kind: 'invalid' };
	const first = Number(bytes[1]);
	const last = Number(bytes[2]);
	return first <= last && last < size ? { kind: 'bytes', first, last } : { kind: 'invalid' };
}

/**
 * A PUT to a Google Cloud Storage-style resumable session: data (the whole file, or `Content-Range` from the first
 * byte storage lacks) or a status query (empty, `Content-Range: bytes *` + `/<size>`). Incomplete → 308 with
 * `Range: bytes=0-<last kept>` (no Range while nothing is kept); complete → 200 with the object.
 */
function handleSession(rt: Runtime, ctx: Context, slot: UploadSlot): Promise<void> | void {
	const range = sessionRange(ctx.req.headers['content-range'], slot.size);
	if (range.kind === 'invalid') {
		return reject(ctx, slot, 400, 'InvalidArgument', 'Invalid argument.', `Content-Range ${JSON.stringify(ctx.req.headers['content-range'])} is neither "bytes <first>-<last>/${slot.size}" nor "bytes */${slot.size}".`);
	}
	if (slot.state === 'used') {
		// A finished session answers every later PUT, status query or data, with the stored object.
		if (rt.state.objects.get(slot.objectId)?.status === 'uploaded') return sendObject(ctx, slot);
		return reject(ctx, slot, 410, 'Gone', 'The upload session is no longer valid.', 'The upload failed; register the upload again.');
	}
	if (Date.now() >= slot.expiresAt) return reject(ctx, slot, 404, 'NoSuchUpload', 'No such upload session.', 'The upload session has expired; register the upload again.');
	const lengthHeader = ctx.req.headers['content-length'];
	if (range.kind === 'query') {
		if (lengthHeader !== undefined && lengthHeader !== '0') return reject(ctx, slot, 400, 'InvalidArgument', 'Invalid argument.', 'A status query (Content-Range: bytes */<size>) has an empty body.');
		if (slot.persistedBytes === slot.size) {
			const object = rt.state.objects.get(slot.objectId)!;
			return complete(rt, ctx, slot, object, headerReaderOf(slot, object).reader);
		}
		return sendIncomplete(ctx, slot);
	}
	if (slot.state === 'receiving') return reject(ctx, slot, 409, 'Conflict', 'Another upload request to this session is in progress.');
	if (headersRefused(ctx, slot)) return;
	const first = range.kind === 'bytes' ? range.first : 0;
	const expected = (range.kind === 'bytes' ? range.last + 1 : slot.size) - first;
	if (lengthHeader === undefined || !/^\d+$/.test(lengthHeader) || Number(lengthHeader) !== expected) {
		return reject(ctx, slot, 400, 'InvalidArgument', 'Invalid argument.', `Content-Length ${JSON.stringify(lengthHeader ?? null)} differs from the ${expected} bytes the Content-Range names.`);
	}
	if (first > slot.persistedBytes) {
		return reject(ctx, slot, 400, 'InvalidArgument', 'Invalid argument.', `The request starts at byte ${first}, but the session has only ${slot.persistedBytes} bytes: ask with Content-Range: bytes */${slot.size} where to continue.`);
	}
	return receive(rt, ctx, slot, first);
}

/** 308 "Resume Incomplete": what the session keeps, as `Range: bytes=0-<last>`, or no Range while it keeps nothing. */
function sendIncomplete(ctx: Context, slot: UploadSlot): void {
	const headers: Record<string, string> = { 'X-GUploader-UploadID': slot.id };
	if (slot.persistedBytes > 0) headers.Range = `bytes=0-${slot.persistedBytes - 1}`;
	send(ctx, 308, null, headers);
}

/** 200 with the stored object, as GCS answers a completed resumable upload. */
function sendObject(ctx: Context, slot: UploadSlot): void {
	const bucket = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(ctx.path)?.[1] ?? '';
	const object = { kind: 'storage#object', bucket: decodeURIComponent(bucket), name: slot.id, size: String(slot.size), contentType: slot.contentType };
	send(ctx, 200, JSON.stringify(object), { 'Content-Type': 'application/json; charset=UTF-8', ETag: `"${slot.id}"`, 'x-goog-stored-content-length': String(slot.size) });
}

/** The toolpath header reader of each upload: it lives across the PUTs of a resumable session. */
const headerReaders = new WeakMap<UploadSlot, { reader: ToolpathHeaderReader | null; fed: number }>();

function headerReaderOf(slot: UploadSlot, object: StoredObject): { reader: ToolpathHeaderReader | null; fed: number } {
	let entry = headerReaders.get(slot);
	if (!entry || slot.protocol === 'signed') {
		const format = object.kind === 'job' ? ToolpathHeaderReader.formatOf(slot.contentType) : null;
		entry = { reader: format ? new ToolpathHeaderReader(format) : null, fed: 0 };
		headerReaders.set(slot, entry);
	}
	return entry;
}

/** Where the bytes of an upload go: a file in the upload directory (continued at `from`), else nowhere. */
function sinkFor(rt: Runtime, slot: UploadSlot, from: number): Writable {
	if (!rt.options.uploadDir) return new Writable({ write: (_chunk, _encoding, callback) => callback() });
	slot.filePath = join(rt.options.uploadDir, `${slot.id}.part`);
	if (from === 0) return createWriteStream(slot.filePath);
	truncateSync(slot.filePath, from);
	return createWriteStream(slot.filePath, { flags: 'a' });
}

/**
 * Streams a PUT's body, which starts at byte `first` of the file, through a byte counter (and the toolpath header
 * reader) to the sink — never buffered. Bytes a resumable session already keeps are counted, not kept again.
 */
function receive(rt: Runtime, ctx: Context, slot: UploadSlot, first: number): Promise<void> {
	const object = rt.state.objects.get(slot.objectId)!;
	const kept = slot.protocol === 'resumable' ? slot.persistedBytes : 0;
	slot.state = 'receiving';
	slot.receivedBytes = 0;
	const header = headerReaderOf(slot, object);
	let position = first;
	let written = kept;
	const counter = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			slot.receivedBytes += chunk.length;
			ctx.bodyBytes += chunk.length;
			if (ctx.dropAfterBodyBytes !== null && slot.receivedBytes >= ctx.dropAfterBodyBytes) {
				ctx.req.socket.destroy();
				callback(new Error('connection dropped by fault injection'));
				return;
			}
			const fresh = chunk.subarray(Math.max(0, kept - position));
			position += chunk.length;
			if (fresh.length === 0) return callback();
			header.reader?.write(fresh.subarray(Math.max(0, header.fed - written)));
			written += fresh.length;
			header.fed = Math.max(header.fed, written);
			callback(null, fresh);
		},
	});
	const sink = sinkFor(rt, slot, kept);
	return new Promise((resolve) => {
		pipeline(ctx.req, counter, sink, (error) => {
			const arrived = !error && position === first + Number(ctx.req.headers['content-length']);
			if (slot.protocol === 'signed') return void (arrived ? complete(rt, ctx, slot, object, header.reader).then(resolve) : brokenSigned(rt, ctx, slot, resolve));
			// `incomplete` with fraction 1: every byte kept, yet the session is not finalised (308 with the whole Range);
			// a status query then completes it.
			const unfinalised = arrived && ctx.keepFraction !== undefined && ctx.keepFraction >= 1;
			if (arrived && ctx.keepFraction !== undefined && !unfinalised) written = kept + roundDown(Math.floor((written - kept) * ctx.keepFraction));
			// A broken PUT keeps whole units of what reached the disk (a write still in flight may be lost).
			const onDisk = slot.filePath && existsSync(slot.filePath) ? statSync(slot.filePath).size : written;
			slot.persistedBytes = written === slot.size && arrived ? written : Math.max(kept, arrived ? written : roundDown(Math.min(written, onDisk)));
			if (slot.persistedBytes === slot.size && !unfinalised) return void complete(rt, ctx, slot, object, header.reader).then(resolve);
			slot.state = 'open';
			if (arrived) sendIncomplete(ctx, slot);
			else if (!ctx.res.headersSent && !ctx.res.destroyed && ctx.req.socket?.destroyed === false) sendXmlError(ctx, 400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
			resolve();
		});
	});
}

const roundDown = (bytes: number) => bytes - (bytes % PERSIST_UNIT_BYTES);

/** A one-time URL whose PUT broke: the upload is failed for good. */
function brokenSigned(rt: Runtime, ctx: Context, slot: UploadSlot, resolve: () => void): void {
	failObject(rt, slot, `Upload failed: the connection broke after ${slot.receivedBytes} of ${slot.size} bytes.`);
	if (!ctx.res.headersSent && !ctx.res.destroyed && ctx.req.socket?.destroyed === false) {
		sendXmlError(ctx, 400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
	}
	resolve();
}

/** All bytes are there: the object is stored (after the processing delay, if any) and the PUT answered 200. */
async function complete(rt: Runtime, ctx: Context, slot: UploadSlot, object: StoredObject, reader: ToolpathHeaderReader | null): Promise<void> {
	slot.state = 'used';
	const header = reader ? await reader.end().catch(() => null) : null;
	const finish = () => {
		if (slot.filePath) {
			const finalPath = slot.filePath.replace(/\.part$/, '');
			renameSync(slot.filePath, finalPath);
			slot.filePath = finalPath;
		}
		completeObject(rt, slot, object, header);
	};
	if (rt.options.uploadProcessingMs > 0) rt.later(rt.options.uploadProcessingMs, finish);
	else finish();
	if (slot.protocol === 'resumable') return sendObject(ctx, slot);
	send(ctx, 200, null, { ETag: `"${slot.id}"`, 'x-goog-stored-content-length': String(slot.size) });
}

function download(_rt: Runtime, ctx: Context, slot: UploadSlot): void {
	if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
		return sendXmlError(ctx, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', 'The URL was signed for GET.');
	}
	if (slot.state !== 'used' || !slot.filePath || slot.filePath.endsWith('.part')) {
		return sendXmlError(ctx, 404, 'NoSuchKey', 'The specified key does not exist.', slot.filePath === null ? 'The emulator keeps uploaded bytes only when started with an upload directory.' : undefined);
	}
	const size = statSync(slot.filePath).size;
	ctx.res.writeHead(200, { 'Content-Type': slot.contentType, 'Content-Length': size });
	if (ctx.method === 'HEAD') return void ctx.res.end();
	createReadStream(slot.filePath).pipe(ctx.res);
}
