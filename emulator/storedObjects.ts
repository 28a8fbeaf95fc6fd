/** Registering a toolpath job or library file: the stored object and the one-time storage URL its bytes go to. */
import { notFound } from './http';
import type { Runtime } from './runtime';
import type { StoredObject } from './stateModel';

/** The bucket named in resumable-session upload URLs. */
export const STORAGE_BUCKET = 'emulator-digital-factory-uploads';

/**
 * The storage URL of an upload: a Google Cloud Storage resumable session (`/upload/storage/v1/b/<bucket>/o
 * ?uploadType=resumable&upload_id=…`, as in Ultimaker's recorded answer; the upload id is the secret) or a one-time
 * signed URL (`?signature=…&expires=…`, as in Ultimaker's FAQ).
 */
function uploadUrl(rt: Runtime, slotId: string, signature: string, expiresAt: number): string {
	if (rt.options.uploadUrlStyle === 'signed') return `${rt.storageUrl()}/upload/${slotId}?signature=${signature}&expires=${Math.floor(expiresAt / 1000)}`;
	return `${rt.storageUrl()}/upload/storage/v1/b/${STORAGE_BUCKET}/o?uploadType=resumable&upload_id=${slotId}.${signature}`;
}

/** Registers the object and mints its one-time storage URL. */
export function createStoredObject(
	rt: Runtime,
	kind: 'job' | 'file',
	fields: Pick<StoredObject, 'name' | 'file_size' | 'content_type' | 'origin' | 'library_project_id' | 'source_file_id'>,
): StoredObject {
	const ids = rt.state.ids;
	const id = kind === 'job' ? ids.jobId() : ids.objectId();
	const slotId = ids.secret(18);
	const signature = ids.secret(32);
	const expiresAt = Date.now() + rt.options.uploadUrlTtlSeconds * 1000;
	const object: StoredObject = {
		kind,
		id,
		...fields,
		status: 'uploading',
		status_description: null,
		uploadSlotId: slotId,
		upload_url: uploadUrl(rt, slotId, signature, expiresAt),
		download_url: null,
		createdAt: rt.clock.now(),
		uploadedAt: null,
		header: null,
	};
	rt.state.objects.set(id, object);
	rt.state.objectOrder.push(id);
	rt.state.uploads.set(slotId, {
		id: slotId,
		signature,
		objectKind: kind,
		objectId: id,
		contentType: fields.content_type,
		size: fields.file_size,
		origin: fields.origin,
		protocol: rt.options.uploadUrlStyle,
		state: 'open',
		expiresAt,
		receivedBytes: 0,
		persistedBytes: 0,
		filePath: null,
		rejections: [],
	});
	return object;
}

/** A stored object of `kind` by id; 404 (`what` not found) for another kind or none. */
export function getStoredObject(rt: Runtime, kind: 'job' | 'file', id: string, what: string): StoredObject {
	const object = rt.state.objects.get(id);
	if (!object || object.kind !== kind) throw notFound(what, id);
	return object;
}
