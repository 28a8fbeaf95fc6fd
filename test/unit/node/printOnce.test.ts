/**
 * The pure parts of "print exactly once, lose nothing": which print a send may claim as its own, the one
 * print-instance id of a print answer, the process's memory of its sends, the states that show a print-job
 * action carried out, the failure contract's `outcome`, redaction of texts, outputs and n8n errors, and the id
 * length limit.
 */
import { NodeApiError } from 'n8n-workflow';

import type { PrintJobAction } from '../../../nodes/UltimakerDigitalFactory/core/send/jobActions';
import { ACTION_DONE } from '../../../nodes/UltimakerDigitalFactory/core/send/jobActions';
import { abandonSend, beginSend, forgetSends, otherSends, rememberedSends, settleSend } from '../../../nodes/UltimakerDigitalFactory/actions/print/owners';
import { RECOVERY_DELAYS_MS } from '../../../nodes/UltimakerDigitalFactory/actions/print/printOnce';
import { baselineOf, instanceIdOf, sightPrint } from '../../../nodes/UltimakerDigitalFactory/core/send/sighting';
import type { ApiClusterStatus } from '../../../nodes/UltimakerDigitalFactory/core/status/model';
import { failureError, failureOf, httpFailure, networkFailure, unreadableFailure } from '../../../nodes/UltimakerDigitalFactory/connections/failure';
import { redactCredentials, redactError, redactOutput, redactSecrets, secretList } from '../../../nodes/UltimakerDigitalFactory/connections/redact';
import { checkIdSegment, MAX_ID_LENGTH } from '../../../nodes/UltimakerDigitalFactory/core/validation';

const node = { id: 'n', name: 'Ultimaker Digital Factory', type: 'ultimakerDigitalFactory', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };

const job = (uuid: string, cloud_job_id: string | null = 'J', status = 'queued') => ({ uuid, ...(cloud_job_id === null ? {} : { cloud_job_id }), status });
const status = (...print_jobs: object[]) => ({ generated_time: '2026-12-01T10:00:00.000Z', printers: [], print_jobs }) as unknown as ApiClusterStatus;
const alone = { owned: new Set<string>(), unresolved: false };

describe('which new print a send may claim', () => {
	const baseline = baselineOf(status(job('old-1'), job('old-2', 'OTHER')));

	test('exactly one new print of this job, no other send → mine', () => {
		expect(sightPrint(status(job('old-1'), job('new-1')), 'J', baseline, alone)).toMatchObject({ kind: 'mine', print: { uuid: 'new-1' } });
	});
	test('a print listed twice in one answer is one print', () => {
		expect(sightPrint(status(job('new-1'), job('new-1')), 'J', baseline, alone)).toMatchObject({ kind: 'mine' });
	});
	test('prints that were there before, or of another job, are never claimed', () => {
		expect(sightPrint(status(job('old-1'), job('new-x', 'OTHER')), 'J', baseline, alone)).toEqual({ kind: 'none' });
	});
	test('two new prints of this job → others (one may belong to another run)', () => {
		expect(sightPrint(status(job('a'), job('b')), 'J', baseline, alone)).toMatchObject({ kind: 'others', prints: [{ uuid: 'a' }, { uuid: 'b' }] });
	});
	test('another send of this process still unresolved → others, even for a single new print', () => {
		expect(sightPrint(status(job('a')), 'J', baseline, { owned: new Set(), unresolved: true })).toMatchObject({ kind: 'others' });
	});
	test("a new print another send owns is not a candidate; the remaining one is mine", () => {
		expect(sightPrint(status(job('a'), job('b')), 'J', baseline, { owned: new Set(['a']), unresolved: false })).toMatchObject({ kind: 'mine', print: { uuid: 'b' } });
		expect(sightPrint(status(job('a')), 'J', baseline, { owned: new Set(['a']), unresolved: false })).toMatchObject({ kind: 'others' });
	});
	test('new prints without cloud_job_id make the match unknown, never "not queued"', () => {
		expect(sightPrint(status(job('x', null)), 'J', baseline, alone)).toEqual({ kind: 'unmatchable', count: 1 });
		expect(sightPrint(status(job('x', null), job('y')), 'J', baseline, alone)).toMatchObject({ kind: 'others' });
	});
	test('junk in the list is ignored', () => {
		expect(sightPrint({ print_jobs: [null, 3, { uuid: 7 }, job('n')] as never }, 'J', new Set(), alone)).toMatchObject({ kind: 'mine' });
	});
});

describe('one print-instance id from a print answer', () => {
	test.each([
		[{ cluster_job_id: 'u1', job_id: 'j', status: 'queued' }, 'u1'],
		[{ job_instance_uuid: 'u1' }, 'u1'],
		[{ job_instance_uuid: 'u1', cluster_job_id: 'u1' }, 'u1'],
		[{ job_instance_uuid: ' u1 ', cluster_job_id: 'u1' }, 'u1'],
	])('%j → %s', (data, id) => expect(instanceIdOf(data)).toBe(id));
	test.each([[{ cluster_job_id: '' }], [{}], [{ cluster_job_id: null }], [{ job_instance_uuid: 'a', cluster_job_id: 'b' }], [{ cluster_job_id: '..' }], [{ cluster_job_id: 'x'.repeat(300) }]])(
		'%j is unknown (read the queue), never a success value',
		(data) => expect(instanceIdOf(data as never)).toBeUndefined(),
	);
});

describe("the process's memory of its print sends", () => {
	beforeEach(() => forgetSends());

	test('an in-flight or unresolved send blocks claims; a settled one shares what it owns; an abandoned one is forgotten', () => {
		const a = beginSend('c', 'j');
		const b = beginSend('c', 'j');
		const elsewhere = beginSend('c', 'other-job');
		expect(otherSends(b)).toEqual({ owned: new Set(), unresolved: true });
		settleSend(a, 'u1');
		expect(otherSends(b)).toEqual({ owned: new Set(['u1']), unresolved: false });
		settleSend(a, undefined);
		expect(otherSends(b).unresolved).toBe(true);
		abandonSend(a);
		expect(otherSends(b)).toEqual({ owned: new Set(), unresolved: false });
		expect(otherSends(elsewhere).unresolved).toBe(false);
	});

	test('ended sends are forgotten after 15 minutes', () => {
		const start = Date.parse('2026-12-01T10:00:00Z');
		const a = beginSend('c', 'j', start);
		settleSend(a, undefined, start);
		expect(rememberedSends()).toBe(1);
		beginSend('c', 'j', start + 16 * 60_000);
		expect(rememberedSends()).toBe(1);
	});
});

test('the recovery window: five reads over 30 s, the first at once', () => {
	expect(RECOVERY_DELAYS_MS[0]).toBe(0);
	expect(RECOVERY_DELAYS_MS).toHaveLength(5);
	expect(RECOVERY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0)).toBe(30_000);
});

describe('states that show a print-job action carried out', () => {
	const jobs = [job('a', 'J', 'queued'), job('b', 'J', 'queued')];
	test.each([
		['pause', job('x', 'J', 'pausing'), true],
		['pause', job('x', 'J', 'printing'), false],
		['resume', job('x', 'J', 'printing'), true],
		['resume', job('x', 'J', 'paused'), false],
		['abort', job('x', 'J', 'aborting'), true],
		['abort', job('x', 'J', 'aborted'), true],
		['abort', job('x', 'J', 'printing'), false],
		['remove', undefined, true],
		['remove', job('x', 'J', 'queued'), false],
		['force', { ...job('x'), force: true }, true],
		['force', { ...job('x'), force: false }, false],
	])('%s with %j → %s', (action, state, done) => expect(ACTION_DONE[action as PrintJobAction](state, [])).toBe(done));
	test('move to top: the first queued job', () => {
		expect(ACTION_DONE.moveToTop(jobs[0], jobs)).toBe(true);
		expect(ACTION_DONE.moveToTop(jobs[1], jobs)).toBe(false);
	});
});

describe('the failure contract says what became of the operation', () => {
	test('outcome: unknown when a change may have taken effect, failed otherwise', () => {
		expect(httpFailure('POST', 'x', 502).outcome).toBe('unknown');
		expect(httpFailure('POST', 'x', 409).outcome).toBe('failed');
		expect(httpFailure('GET', 'x', 502).outcome).toBe('failed');
		expect(networkFailure('POST', 'x', 'ECONNRESET').outcome).toBe('unknown');
		expect(networkFailure('POST', 'x', 'ECONNREFUSED').outcome).toBe('failed');
		expect(unreadableFailure('POST', 'x', 200).outcome).toBe('unknown');
	});
	test('an error carries the failure it was built from', () => {
		const failure = { ...httpFailure('POST', 'printing', 502), outcome: 'unknown' as const };
		const error = failureError(node, failure, { message: 'm', description: 'd' });
		expect(failureOf(error)).toBe(failure);
	});
});

describe('redaction', () => {
	const token = 'umat-QWxhZGRpbjpvcGVuIHNlc2FtZQ';
	test('known secret values anywhere, bare or in any wrapping', () => {
		expect(redactSecrets(`title: rejected ${token}; json: {"t":"${token}"}`, [token])).toBe('title: rejected [redacted]; json: {"t":"[redacted]"}');
	});
	test('credential shapes whatever their value, and URL signatures in messages', () => {
		expect(redactSecrets('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [redacted]');
		expect(redactSecrets('token umapi-abc|main here')).toBe('token umapi-[redacted] here');
		expect(redactSecrets('{"access_token": "zzz", "other": "kept"}')).toBe('{"access_token": "[redacted]", "other": "kept"}');
		expect(redactSecrets('jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig')).toBe('jwt [redacted]');
		expect(redactSecrets('https://s/o?uploadType=resumable&upload_id=abc.def')).toBe('https://s/o?uploadType=resumable&upload_id=[redacted]');
	});
	test("the node's own hint text survives", () => {
		const hint = 'Check that the credential holds the whole token (it looks like umapi-…|main) and that it belongs to this workspace.';
		expect(redactSecrets(hint)).toBe(hint);
		expect(redactSecrets('Bearer [redacted] and Bearer …')).toBe('Bearer [redacted] and Bearer …');
	});
	test('outputs keep signed download URLs (data the user asked for) but lose credentials', () => {
		const url = 'https://storage.example/download/x?signature=abc';
		expect(redactCredentials(`${url} ${token}`, [token])).toBe(`${url} [redacted]`);
		const item = { job_id: 'j', download_url: url, nested: [{ echo: `Bearer ${token}` }] };
		expect(redactOutput(item, [token])).toEqual({ job_id: 'j', download_url: url, nested: [{ echo: 'Bearer [redacted]' }] });
		const clean = { job_id: 'j' };
		expect(redactOutput(clean, [token])).toBe(clean);
	});
	test('an n8n error as n8n serialises it: message, description, errorResponse, context, toJSON()', () => {
		const error = new NodeApiError(node, { message: `echo ${token}`, detail: token } as never, { message: `said ${token}`, description: `desc ${token}` });
		error.context.apiError = { title: `t ${token}` };
		redactError(error, [token]);
		for (const surface of [error.message, error.description, error.stack, error.errorResponse, error.context, error.toJSON?.(), error.messages]) {
			expect(JSON.stringify(surface) ?? '').not.toContain(token);
		}
	});
	test('secretList: longest first, trimmed variants, short values ignored', () => {
		expect(secretList([' abcdefgh ', 'abcdefghij', 'abc', undefined, 42])).toEqual([' abcdefgh ', 'abcdefghij', 'abcdefgh']);
	});
});

test('ids have a length limit', () => {
	expect(checkIdSegment('x'.repeat(MAX_ID_LENGTH), 'job ID').ok).toBe(true);
	expect(checkIdSegment('x'.repeat(100_000), 'job ID')).toEqual({
		ok: false,
		message: `The job ID is too long (100000 characters; at most ${MAX_ID_LENGTH})`,
		hint: expect.any(String),
	});
});
