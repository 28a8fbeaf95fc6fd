import { constants } from 'node:buffer';

import recordedRegistration from '../../fixtures/ultimaker/upload-registration.json';
import minimalRegistration from '../../fixtures/ultimaker/upload-registration-minimal.json';

import {
	binaryStorageOf,
	binaryStorageProblem,
	DATABASE_MODE_MAX_READ_BYTES,
	isResumableSession,
	keptBytes,
	readsWholeBinary,
	registrationBody,
	registrationPath,
	resolveUploadName,
	resumeHeaders,
	sessionOutcome,
	sessionQueryHeaders,
	STORAGE_MAX_ATTEMPTS,
	storageHeaders,
	storageOutcome,
	storageRetryDelayMs,
	uploadPollDelaysMs,
} from '../../../nodes/UltimakerDigitalFactory/core/upload/plan';

describe('upload planning', () => {
	const job = { target: 'job' as const, name: 'a.gcode', fileSize: 123, contentType: 'text/plain', origin: 'https://x.example' };

	test('job and file registration bodies use the API field names', () => {
		expect(registrationBody(job)).toEqual({ data: { job_name: 'a.gcode', file_size: 123, content_type: 'text/plain', origin: 'https://x.example' } });
		expect(registrationBody({ ...job, target: 'file', name: 'b.stl', origin: undefined, projectId: 'p1' })).toEqual({
			data: { file_name: 'b.stl', file_size: 123, content_type: 'text/plain', library_project_id: 'p1' },
		});
		expect(registrationPath('job')).toBe('/cura/v1/jobs/upload');
		expect(registrationPath('file')).toBe('/cura/v1/files/upload');
	});

	test('storage headers are exactly the declared ones, never Authorization', () => {
		expect(storageHeaders(job)).toEqual({ 'Content-Type': 'text/plain', 'Content-Length': '123', Origin: 'https://x.example' });
		expect(storageHeaders({ ...job, origin: undefined })).toEqual({ 'Content-Type': 'text/plain', 'Content-Length': '123' });
	});

	test('storage outcomes: only 2xx is stored (a 3xx is not followed; on a resumable session 308 means incomplete)', () => {
		expect([200, 201, 204].map(storageOutcome)).toEqual(['stored', 'stored', 'stored']);
		expect([301, 302, 307, 308].map(storageOutcome)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
		expect([429, 500, 502, 503, 504].map(storageOutcome)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry']);
		expect([400, 403, 404, 501].map(storageOutcome)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
	});

	test('resumable sessions: recognised by uploadType=resumable with an upload_id, as in the recorded registration answer', () => {
		const recorded = recordedRegistration.data.upload_url;
		const signed = minimalRegistration.data.upload_url;
		expect(isResumableSession(recorded)).toBe(true);
		expect(isResumableSession(signed)).toBe(false);
		expect(isResumableSession('https://s.example/o?uploadType=resumable')).toBe(false);
		expect(isResumableSession('https://s.example/o?uploadType=media&upload_id=x')).toBe(false);
		expect(isResumableSession('not a url?uploadType=resumable&upload_id=x')).toBe(false);
	});

	test('resumable sessions: the rest of the file from an offset, the status query, the kept bytes from Range', () => {
		expect(resumeHeaders(job, 0)).toEqual(storageHeaders(job));
		expect(resumeHeaders(job, 100)).toEqual({ 'Content-Type': 'text/plain', 'Content-Length': '23', 'Content-Range': 'bytes 100-122/123', Origin: 'https://x.example' });
		expect(sessionQueryHeaders(job)).toEqual({ 'Content-Length': '0', 'Content-Range': 'bytes */123', Origin: 'https://x.example' });
		expect(sessionQueryHeaders({ ...job, origin: undefined })).toEqual({ 'Content-Length': '0', 'Content-Range': 'bytes */123' });
		expect([undefined, '', 'bytes=0-0', 'bytes=0-99', ' bytes=0-122 '].map((range) => keptBytes(range, 123))).toEqual([0, 0, 1, 100, 123]);
		expect(['bytes=0-123', 'bytes=5-99', 'bytes=0-', 'items=0-9', 'bytes=0-1,4-5'].map((range) => keptBytes(range, 123))).toEqual([undefined, undefined, undefined, undefined, undefined]);
		expect([200, 201, 308, 404, 410, 429, 503, 400, 403, 307].map(sessionOutcome)).toEqual(['stored', 'stored', 'incomplete', 'gone', 'gone', 'retry', 'retry', 'rejected', 'rejected', 'rejected']);
	});

	test('retries and polling are bounded', () => {
		const delays = Array.from({ length: STORAGE_MAX_ATTEMPTS - 1 }, (_, i) => storageRetryDelayMs(i + 1));
		expect(delays).toEqual([500, 1000, 2000, 4000]);
		expect(storageRetryDelayMs(20)).toBe(8000);
		const polls = uploadPollDelaysMs();
		expect(polls.reduce((sum, delay) => sum + delay, 0)).toBeLessThanOrEqual(60_000);
		expect(polls[0]).toBe(200);
		expect(Math.max(...polls)).toBe(5000);
	});

	test('the name comes from the parameter, else the file name', () => {
		expect(resolveUploadName(' Job 1 ', 'a.gcode')).toBe('Job 1');
		expect(resolveUploadName('', 'a.gcode')).toBe('a.gcode');
		expect(resolveUploadName(undefined, '  ')).toBeUndefined();
	});

	test("where n8n keeps a binary is read from its id's mode prefix", () => {
		expect(binaryStorageOf(undefined)).toBe('memory');
		expect(binaryStorageOf('database:2f0c3c1e-1d0b-4c34-9d0b-7f3b7c3b2d11')).toBe('database');
		expect(binaryStorageOf('filesystem-v2:workflows/1/executions/2/binary_data/abc')).toBe('filesystem');
		expect(binaryStorageOf('filesystem:abc')).toBe('filesystem');
		expect(binaryStorageOf('s3:workflows/1/executions/2/binary_data/abc')).toBe('s3');
		expect(binaryStorageOf('tape:abc')).toBe('other');
		expect(binaryStorageOf('no-prefix')).toBe('other');
		expect(['memory', 'database', 'filesystem', 's3', 'other'].map((storage) => readsWholeBinary(storage as never))).toEqual([
			true,
			true,
			false,
			false,
			false,
		]);
	});

	test("the database-mode limit is the largest bytea Postgres' driver can hand back as one hex string", () => {
		// `\x` + two hex characters per byte must fit the longest string V8 can make.
		expect(2 + 2 * DATABASE_MODE_MAX_READ_BYTES).toBe(constants.MAX_STRING_LENGTH);
		expect(DATABASE_MODE_MAX_READ_BYTES).toBe(268_435_443);
		expect(binaryStorageProblem('database', DATABASE_MODE_MAX_READ_BYTES, 'a.gcode')).toBeUndefined();
		const problem = binaryStorageProblem('database', DATABASE_MODE_MAX_READ_BYTES + 1, 'a.gcode');
		expect(problem?.message).toBe('"a.gcode" (256.0 MiB) is too large for n8n\'s "database" binary data mode');
		expect(problem?.description).toMatch(/"filesystem" mode on a folder the main instance and every worker share/);
		// Streaming modes have no such limit.
		for (const storage of ['filesystem', 's3', 'memory', 'other'] as const) {
			expect(binaryStorageProblem(storage, 5 * 1024 ** 3, 'big.gcode')).toBeUndefined();
		}
	});
});
