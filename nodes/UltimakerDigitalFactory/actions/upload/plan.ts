/**
 * The two-stage upload as data (pure): what to register, which headers the storage PUT must carry, and the
 * bounded retry and polling schedules.
 */
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

/** Backoff before storage attempt `attempt + 1` (attempt is 1-based): 0.5 s, 1 s, 2 s, 4 s. */
export function storageRetryDelayMs(attempt: number): number {
	return Math.min(8000, 500 * 2 ** (attempt - 1));
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

/** The job name to register: the parameter if given, else the binary's file name. */
export function resolveUploadName(nameParameter: unknown, fileName: string | undefined): string | undefined {
	const explicit = typeof nameParameter === 'string' ? nameParameter.trim() : '';
	if (explicit) return explicit;
	const fromFile = fileName?.trim();
	return fromFile ? fromFile : undefined;
}
