/**
 * The two-stage upload as data (pure): what to register, which headers the storage PUT must carry, and the
 * bounded retry and polling schedules.
 */
import { retryDelayMs } from '../retry';
import type { UploadTarget } from './contentTypes';

/** Read size for n8n's binary stream: 1 MiB chunks stream several times faster than the 64 KiB default. */
export const BINARY_STREAM_CHUNK_BYTES = 1024 * 1024;

export interface UploadPlan {
	target: UploadTarget;
	name: string;
	fileSize: number;
	contentType: string;
	origin?: string;
	projectId?: string;
}

/** The JSON body of `PUT /cura/v1/jobs/upload` or `PUT /cura/v1/files/upload`. */
export function registrationBody(plan: UploadPlan): { data: Record<string, string | number> } {
	const data: Record<string, string | number> =
		plan.target === 'job'
			? { job_name: plan.name, file_size: plan.fileSize, content_type: plan.contentType }
			: { file_name: plan.name, file_size: plan.fileSize, content_type: plan.contentType };
	if (plan.origin) data.origin = plan.origin;
	if (plan.projectId) data.library_project_id = plan.projectId;
	return { data };
}

export function registrationPath(target: UploadTarget): string {
	return target === 'job' ? '/cura/v1/jobs/upload' : '/cura/v1/files/upload';
}

/** Exactly the declared headers — the signed URL rejects anything else — and never an Authorization header. */
export function storageHeaders(plan: UploadPlan): Record<string, string> {
	const headers: Record<string, string> = {
		'Content-Type': plan.contentType,
		'Content-Length': String(plan.fileSize),
	};
	if (plan.origin) headers.Origin = plan.origin;
	return headers;
}

export type StorageOutcome = 'stored' | 'retry' | 'rejected';

/**
 * Only a 2xx stored the bytes. A 3xx is not success: redirects are not followed (the body would have to be sent
 * again elsewhere), and on a resumable session 308 means "incomplete". 500/502/503/504 (and GCS's 429 SlowDown)
 * are worth retrying; anything else is a failure. Whatever storage answered, the API is asked what it has.
 */
export function storageOutcome(status: number): StorageOutcome {
	if (status >= 200 && status < 300) return 'stored';
	if (status === 429 || status === 500 || status === 502 || status === 503 || status === 504) return 'retry';
	return 'rejected';
}

export const STORAGE_MAX_ATTEMPTS = 5;

/**
 * A Google Cloud Storage resumable session (`…/upload/storage/v1/b/<bucket>/o?uploadType=resumable&upload_id=…`),
 * the form Ultimaker's recorded registration answer carries: after a broken PUT, storage keeps what it received
 * and says how much, so the upload continues from there. Anything else is a one-time signed URL.
 */
export function isResumableSession(uploadUrl: string): boolean {
	try {
		const url = new URL(uploadUrl);
		return url.searchParams.get('uploadType') === 'resumable' && (url.searchParams.get('upload_id') ?? '') !== '';
	} catch {
		return false;
	}
}

/** The headers of a PUT that continues a resumable session at byte `offset`: the rest of the file, and its range. */
export function resumeHeaders(plan: UploadPlan, offset: number): Record<string, string> {
	const headers = storageHeaders(plan);
	if (offset === 0) return headers;
	headers['Content-Length'] = String(plan.fileSize - offset);
	headers['Content-Range'] = `bytes ${offset}-${plan.fileSize - 1}/${plan.fileSize}`;
	return headers;
}

/** The status query of a resumable session: an empty PUT that names only the size. */
export function sessionQueryHeaders(plan: UploadPlan): Record<string, string> {
	const headers: Record<string, string> = { 'Content-Length': '0', 'Content-Range': `bytes */${plan.fileSize}` };
	if (plan.origin) headers.Origin = plan.origin;
	return headers;
}

/**
 * How many bytes a resumable session keeps, from its 308 answer's `Range` header: `bytes=0-<last>` → last + 1, no
 * header → 0 (nothing kept yet), anything else (or a range past the file) → undefined.
 */
export function keptBytes(range: unknown, fileSize: number): number | undefined {
	if (range === undefined || range === null || range === '') return 0;
	const match = /^bytes=0-(\d+)$/.exec(String(range).trim());
	if (!match) return undefined;
	const kept = Number(match[1]) + 1;
	return kept <= fileSize ? kept : undefined;
}

export type SessionOutcome = 'stored' | 'incomplete' | 'retry' | 'gone' | 'rejected';

/**
 * A resumable session's answer: 2xx stored; 308 incomplete (ask how much is kept, continue); 429 and 5xx worth
 * another try; 404 and 410 the session no longer exists (expired or cancelled); anything else a failure.
 */
export function sessionOutcome(status: number): SessionOutcome {
	if (status === 308) return 'incomplete';
	if (status === 404 || status === 410) return 'gone';
	const outcome = storageOutcome(status);
	return outcome;
}

/** A resumable upload gives up after this many PUTs in all, however much each one moved it on. */
export const SESSION_MAX_PUTS = 20;

/** Backoff before storage attempt `attempt + 1` (attempt is 1-based): the one schedule of core/retry.ts (public name, kept). */
export const storageRetryDelayMs = retryDelayMs;

/**
 * How long one storage PUT may take in all: a minute plus the body at 64 KiB/s. Slower than any link a farm uploads
 * over, so it never cuts a real upload short, but a server that drips its answer cannot hold the workflow forever.
 */
export const STORAGE_MIN_BYTES_PER_SECOND = 64 * 1024;
export function storageDeadlineMs(bodyBytes: number): number {
	return 60_000 + Math.ceil((Math.max(0, bodyBytes) / STORAGE_MIN_BYTES_PER_SECOND) * 1000);
}

/** Delays between status polls after the bytes are stored: quick at first, 60 s in total at most. */
export function uploadPollDelaysMs(totalMs = 60_000): number[] {
	const delays: number[] = [];
	let sum = 0;
	let next = 200;
	while (sum + next <= totalMs) {
		delays.push(next);
		sum += next;
		next = Math.min(next * 2, 5000);
	}
	return delays;
}

/**
 * Where n8n keeps a binary, read from its id (`<mode>:<file id>`); without an id the bytes sit base64-encoded in
 * the item itself (n8n's `default` mode).
 */
export type BinaryStorage = 'memory' | 'database' | 'filesystem' | 's3' | 'other';

export function binaryStorageOf(id: string | undefined): BinaryStorage {
	if (!id) return 'memory';
	const mode = id.slice(0, Math.max(0, id.indexOf(':')));
	if (mode === 'database') return 'database';
	if (mode === 'filesystem' || mode === 'filesystem-v2') return 'filesystem';
	if (mode === 's3') return 's3';
	return 'other';
}

/**
 * In these modes n8n only ever holds a binary as one whole buffer (its stream over database data wraps a buffer
 * it has just read): read it once per upload and send that buffer on every attempt, instead of one more full read
 * for each retry.
 */
export function readsWholeBinary(storage: BinaryStorage): boolean {
	return storage === 'memory' || storage === 'database';
}

/**
 * The largest binary n8n's `database` mode can give back from Postgres: the database driver receives `bytea` as
 * one hex text value (`\x` and two characters per byte), and a JavaScript string holds at most 2^29 − 24
 * characters. For anything bigger the driver throws inside its socket handler and the read never settles: the
 * execution would hang. (n8n's own cap for storing, N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE, defaults to 512 MiB.)
 */
export const DATABASE_MODE_MAX_READ_BYTES = (2 ** 29 - 24 - 2) / 2;

export interface BinaryProblem {
	message: string;
	description: string;
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** Why a binary of `size` bytes kept in `storage` cannot be uploaded at all, or undefined. */
export function binaryStorageProblem(storage: BinaryStorage, size: number, name: string): BinaryProblem | undefined {
	if (storage !== 'database' || size <= DATABASE_MODE_MAX_READ_BYTES) return undefined;
	return {
		message: `"${name}" (${mib(size)}) is too large for n8n's "database" binary data mode`,
		description:
			`n8n keeps this file in its database, and cannot read a binary larger than ${mib(DATABASE_MODE_MAX_READ_BYTES)} back from Postgres. ` +
			'Keep binary data in the "filesystem" mode on a folder the main instance and every worker share ' +
			'(N8N_DEFAULT_BINARY_DATA_MODE=filesystem and N8N_STORAGE_PATH=<shared folder>), or in S3 ' +
			'(N8N_DEFAULT_BINARY_DATA_MODE=s3 and N8N_EXTERNAL_STORAGE_S3_*), on every n8n process. Nothing was registered with Digital Factory.',
	};
}

/** Why n8n could not find a binary's data or metadata on this n8n process (a filesystem folder not shared). */
export function missingBinaryProblem(storage: BinaryStorage, name: string, cause: string): BinaryProblem {
	const where =
		storage === 'filesystem'
			? 'n8n keeps this file in its "filesystem" binary data mode, and this n8n process cannot find it. ' +
				'In queue mode the main instance and every worker need the same N8N_STORAGE_PATH on a shared volume ' +
				'(or use N8N_DEFAULT_BINARY_DATA_MODE=database or s3 on every n8n process).'
			: `n8n could not read this file's binary data (binary data mode "${storage}").`;
	return {
		message: `The binary data of "${name}" is not available to this n8n process`,
		description: `${where} n8n said: ${cause}. Nothing was registered with Digital Factory.`,
	};
}

/** The job name to register: the parameter if given, else the binary's file name. */
export function resolveUploadName(nameParameter: unknown, fileName: string | undefined): string | undefined {
	const explicit = typeof nameParameter === 'string' ? nameParameter.trim() : '';
	if (explicit) return explicit;
	const fromFile = fileName?.trim();
	return fromFile ? fromFile : undefined;
}
