import {
	registrationBody,
	registrationPath,
	resolveUploadName,
	STORAGE_MAX_ATTEMPTS,
	storageHeaders,
	storageOutcome,
	storageRetryDelayMs,
	uploadPollDelaysMs,
} from '../../../nodes/UltimakerDigitalFactory/actions/upload/plan';

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
});
