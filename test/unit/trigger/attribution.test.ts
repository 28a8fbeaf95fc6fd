/**
 * The diff read as Ultimaker's own data has it: jobs belong to printers by uuid (`assigned_to` is a printer uuid,
 * also on queued jobs the cluster pre-assigned), and a printer that is not enabled is `disabled`.
 */
import { job, names, printer, runPolls, seen, snapshot } from './builders';

const T0 = '2026-11-25T10:00:00.000Z';
const T1 = '2026-11-25T10:01:00.000Z';
const T2 = '2026-11-25T10:02:00.000Z';
const T3 = '2026-11-25T10:03:00.000Z';

describe('a job belongs to the printer it is assigned to (by uuid)', () => {
	const P1 = printer('P1');
	const P2 = printer('P2');
	const queued = job('J1', { assigned_to: 'P2', created_at: T1 });
	const starting = job('J1', { status: 'pre_print', started: true, assigned_to: 'P2', created_at: T1 });

	it('job.queued, job.started and printer.statusChanged carry the assigned printer and job, with no printer_uuid', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1, P2], [], T0))],
			[seen(snapshot([P1, P2], [queued], T1))],
			[seen(snapshot([P1, printer('P2', { status: 'pre_print' })], [starting], T2))],
		]);
		const [queuedEvent] = perPoll[1];
		expect(queuedEvent.event).toBe('job.queued');
		expect(queuedEvent.printer?.uuid).toBe('P2');
		const started = perPoll[2].find((event) => event.event === 'job.started');
		expect(started?.printer?.uuid).toBe('P2');
		const statusChanged = perPoll[2].find((event) => event.event === 'printer.statusChanged');
		expect(statusChanged?.printer?.uuid).toBe('P2');
		expect(statusChanged?.job?.uuid).toBe('J1');
	});

	it('job.removed carries the printer the job was assigned to', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1, P2], [], T0))],
			[seen(snapshot([P1, P2], [queued], T1))],
			[seen(snapshot([P1, P2], [], T2))],
		]);
		expect(names(perPoll[2])).toEqual(['job.removed:J1']);
		expect(perPoll[2][0].printer?.uuid).toBe('P2');
	});

	it('a uuid wins over a printer whose name happens to be that string; a name is only the last resort', () => {
		const named = printer('P3', { friendly_name: 'P2', unique_name: 'host-p3' });
		const byName = job('J2', { assigned_to: 'host-p3', created_at: T1 });
		const { perPoll } = runPolls([
			[seen(snapshot([named, P2], [], T0))],
			[seen(snapshot([named, P2], [queued, byName], T1))],
		]);
		expect(perPoll[1].map((event) => `${event.job?.uuid}→${event.printer?.uuid}`)).toEqual(['J1→P2', 'J2→P3']);
	});
});

describe('a printer that is not enabled is disabled', () => {
	it('disabling emits printer.statusChanged to disabled, re-enabling emits it back', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([printer('P1')], [], T0))],
			[seen(snapshot([printer('P1', { enabled: false })], [], T1))],
			[seen(snapshot([printer('P1', { enabled: false })], [], T2))],
			[seen(snapshot([printer('P1', { enabled: true })], [], T3))],
		]);
		expect(names(perPoll[1])).toEqual(['printer.statusChanged:P1']);
		expect(perPoll[1][0].printer?.status).toBe('disabled');
		expect(perPoll[1][0].previous).toEqual({ status: 'idle' });
		expect(perPoll[2]).toEqual([]);
		expect(names(perPoll[3])).toEqual(['printer.statusChanged:P1']);
		expect(perPoll[3][0].printer?.status).toBe('idle');
		expect(perPoll[3][0].previous).toEqual({ status: 'disabled' });
	});

	it('an unreachable printer is offline, not disabled, whatever its enabled flag says', () => {
		const { perPoll } = runPolls(
			[
				[seen(snapshot([printer('P1')], [], T0))],
				[seen(snapshot([printer('P1', { status: 'unreachable', enabled: false })], [], T1))],
			],
			{ offlineAfterMissedPolls: 1 },
		);
		expect(names(perPoll[1])).toEqual(['printer.offline:P1']);
	});
});
