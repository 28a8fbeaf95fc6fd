/**
 * The signed-storage listener (a stand-in for storage.googleapis.com): one-time `PUT /upload/<id>?signature=…`
 * that must match the declared Content-Type, Content-Length and Origin, never accepts an Authorization header,
 * and streams the body to a byte counter (or a file) without buffering it; `GET /download/<id>?signature=…`.
 */
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, Writable, pipeline } from 'node:stream';
import type { Context } from './http';
import { send } from './http';
import type { Runtime } from './runtime';
import type { GcodeHeader, StoredObject, UploadSlot } from './model';
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

/** The upload slot a storage URL names, in either form (resumable session or signed URL); null when forged. */
function slotOf(rt: Runtime, ctx: Context): { slot: UploadSlot; kind: 'upload' | 'download' } | null {
	if (/^\/upload\/storage\/v1\/b\/[^/]+\/o$/.test(ctx.path)) {
		const [id = '', signature] = (ctx.query.get('upload_id') ?? '').split('.');
		const slot = rt.state.uploads.get(id);
		return slot && ctx.query.get('uploadType') === 'resumable' && signature === slot.signature ? { slot, kind: 'upload' } : null;
	}
	const match = /^\/(upload|download)\/([^/]+)$/.exec(ctx.path);
	const slot = match ? rt.state.uploads.get(decodeURIComponent(match[2]!)) : undefined;
	return match && slot && ctx.query.get('signature') === slot.signature ? { slot, kind: match[1] as 'upload' | 'download' } : null;
}

export async function handleStorage(rt: Runtime, ctx: Context): Promise<void> {
	const found = slotOf(rt, ctx);
	if (!found) {
		return reject(ctx, null, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', 'Unknown upload or wrong signature.');
	}
	const slot = found.slot;
	if (found.kind === 'download') return download(rt, ctx, slot);
	if (ctx.method !== 'PUT') {
		return reject(ctx, slot, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', `The URL was signed for PUT, not ${ctx.method}.`);
	}
	// A bearer token must never reach storage: refuse it loudly (and it stays visible in the request log).
	if (ctx.req.headers.authorization !== undefined) {
		return reject(ctx, slot, 400, 'InvalidArgument', 'Invalid argument.', 'Your request has multiple authentication mechanisms: a signed URL and an Authorization header. Send only one.');
	}
	if (slot.state !== 'open') {
		return reject(ctx, slot, 403, 'AccessDenied', 'Access denied.', 'This one-time upload URL has already been used.');
	}
	if (Date.now() >= slot.expiresAt) {
		return reject(ctx, slot, 400, 'ExpiredToken', 'The provided token has expired.', 'The signed upload URL has expired; register the upload again.');
	}
	const contentType = ctx.req.headers['content-type'] ?? '';
	if (contentType !== slot.contentType) {
		return reject(ctx, slot, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', `Content-Type ${JSON.stringify(contentType)} differs from the declared ${JSON.stringify(slot.contentType)}.`);
	}
	const origin = ctx.req.headers.origin;
	if (slot.origin !== null && origin !== slot.origin) {
		return reject(ctx, slot, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', `Origin ${JSON.stringify(origin ?? null)} differs from the declared ${JSON.stringify(slot.origin)}.`);
	}
	const lengthHeader = ctx.req.headers['content-length'];
	if (lengthHeader === undefined || !/^\d+$/.test(lengthHeader) || Number(lengthHeader) !== slot.size) {
		return reject(ctx, slot, 400, 'InvalidArgument', 'Invalid argument.', `Content-Length ${JSON.stringify(lengthHeader ?? null)} differs from the declared file_size ${slot.size}.`);
	}
	return receive(rt, ctx, slot);
}

function receive(rt: Runtime, ctx: Context, slot: UploadSlot): Promise<void> {
	const object = rt.state.objects.get(slot.objectId)!;
	slot.state = 'receiving';
	slot.receivedBytes = 0;
	// The toolpath's header is read as the bytes go by (G-code, gzipped G-code or UFP), never buffered whole.
	const format = object.kind === 'job' ? ToolpathHeaderReader.formatOf(slot.contentType) : null;
	const headerReader = format ? new ToolpathHeaderReader(format) : null;
	const counter = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			slot.receivedBytes += chunk.length;
			ctx.bodyBytes += chunk.length;
			headerReader?.write(chunk);
			if (ctx.dropAfterBodyBytes !== null && slot.receivedBytes >= ctx.dropAfterBodyBytes) {
				ctx.req.socket.destroy();
				callback(new Error('connection dropped by fault injection'));
				return;
			}
			callback(null, chunk);
		},
	});
	let sink: Writable;
	if (rt.options.uploadDir) {
		slot.filePath = join(rt.options.uploadDir, `${slot.id}.part`);
		sink = createWriteStream(slot.filePath);
	} else {
		sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
	}
	return new Promise((resolve) => {
		pipeline(ctx.req, counter, sink, async (error) => {
			if (error || slot.receivedBytes !== slot.size) {
				failObject(rt, slot, `Upload failed: the connection broke after ${slot.receivedBytes} of ${slot.size} bytes.`);
				if (!ctx.res.headersSent && !ctx.res.destroyed) {
					sendXmlError(ctx, 400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
				}
				return resolve();
			}
			slot.state = 'used';
			const header = headerReader ? await headerReader.end().catch(() => null) : null;
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
			send(ctx, 200, null, { ETag: `"${slot.id}"`, 'x-goog-stored-content-length': String(slot.size) });
			resolve();
		});
	});
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
