/**
 * The printer's clock is not n8n's (issue 19). On the local network a job's `created_at` comes from the printer's
 * clock while the status's `generated_time` is stamped with n8n's on receipt; whether a job first seen already
 * ended is old history coming back into the 10-job window must be decided on one clock: the printer's own, by the
 * newest `created_at` listed at the previous look. Here n8n's clock is runPolls' (2026-11-25 10:00, one minute per
 * poll) and the printer's runs a day behind or a day ahead.
 */
import fc from 'fast-check';
import type { ApiPrintJobStatus, TriggerState } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { diffSnapshots, terminalKey } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { job, names, OPTIONS, printer, runPolls, seen, snapshot, unreachable } from './builders';

const P1 = printer('P1', { status: 'printing' });
const DAY = 86_400_000;

/** n8n's time at poll `index` of runPolls: what the local network connection stamps as generated_time. */
const n8nTime = (index: number) => new Date(Date.UTC(2026, 10, 25, 10, index)).toISOString();

/** A time on the printer's clock as the cluster API writes it: no zone, microseconds. */
function printerClock(offsetMs: number) {
	return (hour: number, minute: number, second = 0) =>
		new Date(Date.UTC(2026, 10, 25, hour, minute, second) + offsetMs).toISOString().replace(/Z$/, '000');
}

/** One look at the group: the jobs as listed, generated_time = n8n's time at that poll. */
const look = (index: number, jobs: ApiPrintJobStatus[]) => [seen(snapshot([P1], jobs, n8nTime(index)))];

function scenario(offsetMs: number) {
	const at = printerClock(offsetMs);
	const ended = (uuid: string, created: string, status = 'finished') =>
		job(uuid, { status, started: true, time_elapsed: status === 'finished' ? 3600 : 10, time_total: 3600, printer_uuid: 'P1', created_at: created });
	const history = [ended('H3', at(8, 30)), ended('H2', at(8, 0)), ended('H1', at(7, 30))];
	const running = job('J1', { status: 'printing', started: true, time_elapsed: 600, printer_uuid: 'P1', created_at: at(9, 30) });
	// Queued, started and failed between the first and the second poll (created 30 s after the first one).
	const failed = ended('J2', at(10, 0, 30), 'failed');
	// Queued and failed while the printer could not be read (polls 5 and 6).
	const later = ended('J3', at(10, 5, 30), 'failed');
	// An entry older than everything seen, shifting back into the window when a newer one is deleted from it.
	const old = ended('H0', at(7, 0));
	const polls = [
		look(0, [running, ...history]),
		look(1, [running, failed, ...history]),
		look(2, [running, failed, ...history]),
		// The window shrinks (H1 drops out), then grows back while H2 is deleted: H1 returns and the older H0 enters.
		look(3, [running, failed, history[0], history[1]]),
		look(4, [running, failed, history[0], history[2], old]),
		[unreachable()],
		look(6, [running, later, failed, history[0], history[2], old]),
	];
	return runPolls(polls);
}

describe.each([
	['a day behind', -DAY],
	['a day ahead of', DAY],
])("the printer's clock %s n8n's", (_, offsetMs) => {
	it('reports a job queued and failed between two polls once, and history coming back into the window never', () => {
		const { perPoll } = scenario(offsetMs);
		expect(perPoll.map(names)).toEqual([
			[],
			['job.queued:J2', 'job.started:J2', 'job.failed:J2'],
			[],
			[],
			[],
			[],
			['job.queued:J3', 'job.started:J3', 'job.failed:J3'],
		]);
	});
});

it('a fresh printer (nothing listed at the previous look) reports the first job even when it ended between two polls', () => {
	const at = printerClock(-DAY);
	const failed = job('J1', { status: 'failed', started: true, time_elapsed: 10, printer_uuid: 'P1', created_at: at(10, 0, 30) });
	const { perPoll, state } = runPolls([look(0, []), look(1, [failed]), look(2, [failed])]);
	expect(perPoll.map(names)).toEqual([[], ['job.queued:J1', 'job.started:J1', 'job.failed:J1'], []]);
	expect(state!.c['cluster-A'].nc).toBe(at(10, 0, 30));
});

describe('state saved by the release before', () => {
	const at = printerClock(-DAY);
	/** What that release saved after a look at 09:59 (n8n's time) listing J1 printing and H2 ended: no `nc`. */
	const saved = (extra: object = {}): TriggerState => ({
		v: 1,
		c: {
			'cluster-A': {
				n: 'Lab A',
				g: '2026-11-25T09:59:00.000Z',
				p: { P1: { n: 'Printer P1', v: 'Ultimaker S5', s: 'printing', x: [] } },
				j: { J1: { s: 'printing', n: 'J1.gcode', c: 'cloud-J1', o: 'jdoe', p: 'P1', e: 600, t: 3600, st: 1 } },
				d: [terminalKey('H2')],
				...extra,
			},
		},
	});
	const running = job('J1', { status: 'printing', started: true, time_elapsed: 660, printer_uuid: 'P1', created_at: at(9, 30) });
	const h2 = job('H2', { status: 'finished', started: true, time_elapsed: 3600, printer_uuid: 'P1', created_at: at(8, 0) });
	const h1 = job('H1', { status: 'finished', started: true, time_elapsed: 3600, printer_uuid: 'P1', created_at: at(7, 30) });

	it('decides with its generated_time for the one poll that has no newest created_at yet, then by the printer clock', () => {
		const failed = job('J2', { status: 'failed', started: true, time_elapsed: 10, printer_uuid: 'P1', created_at: at(10, 0, 30) });
		const { perPoll, state } = runPolls([look(0, [running, h2, h1]), look(1, [running, failed, h2, h1])], undefined, saved());
		// Poll 1 as before: H1, created before 09:59 by a clock that has no bearing on it, counts as history.
		expect(perPoll.map(names)).toEqual([[], ['job.queued:J2', 'job.started:J2', 'job.failed:J2']]);
		expect(state!.c['cluster-A'].nc).toBe(at(10, 0, 30));
	});

	it('falls back only when the newest created_at is absent, not when the previous look listed no job', () => {
		// `nc: null`: the previous look listed nothing, so an ended job cannot be history coming back.
		const { perPoll, state } = runPolls([look(0, [running, h2, h1])], undefined, saved({ nc: null, j: {}, d: [] }));
		expect(perPoll.map(names)).toEqual([
			['job.queued:H1', 'job.started:H1', 'job.finished:H1', 'job.queued:H2', 'job.started:H2', 'job.finished:H2', 'job.queued:J1', 'job.started:J1'],
		]);
		expect(state!.c['cluster-A'].nc).toBe(at(9, 30));
		expect(state!.c['cluster-A'].g).toBe(n8nTime(0));
	});
});

it('remembers the latest created_at listed, by time, whatever mix of formats the list has', () => {
	// The cloud's `…Z`, the local network's zoneless time with microseconds, others; equal-format times are compared
	// as text (snapshot.ts, isLater), the rest parsed. Zoneless times are read as n8n's local time — UTC here.
	const render = [
		(ms: number) => new Date(ms).toISOString(),
		(ms: number) => new Date(ms).toISOString().replace(/Z$/, '123'),
		(ms: number) => new Date(ms).toISOString().slice(0, 19),
		(ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z',
		(ms: number) => new Date(ms + 2 * 3_600_000).toISOString().replace(/Z$/, '+02:00'),
		(ms: number) => new Date(ms).toUTCString(),
		() => 'not a time',
		() => '2026-1X-25T10:00:00.000Z',
	];
	const listed = fc.array(fc.tuple(fc.integer({ min: 0, max: 10 * DAY }), fc.integer({ min: 0, max: render.length - 1 })), { maxLength: 12 });
	fc.assert(
		fc.property(listed, (times) => {
			const createdAt = times.map(([offset, format]) => render[format](Date.UTC(2026, 10, 20) + offset));
			const jobs = createdAt.map((created, index) => job(`J${index}`, { created_at: created }));
			const { state } = diffSnapshots(undefined, [seen(snapshot([P1], jobs))], OPTIONS, new Date(n8nTime(0)));
			const readable = createdAt.map((created) => Date.parse(created)).filter((ms) => !Number.isNaN(ms));
			const nc = state.c['cluster-A'].nc;
			if (readable.length === 0) expect(nc).toBeNull();
			else expect(Date.parse(nc as string)).toBe(Math.max(...readable));
		}),
		{ numRuns: 500 },
	);
});

it('remembers the newest created_at of the last look that listed the jobs, also when only new jobs are read', () => {
	// diffJobs reads only the created_at of jobs not listed at the previous look when all of those are listed again;
	// whatever the sequence, the remembered time must be the newest listed, as a full read gives it.
	const formats = [(ms: number) => new Date(ms).toISOString(), (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000'), () => 'unknown'];
	const pool = fc.array(fc.tuple(fc.integer({ min: 0, max: DAY }), fc.integer({ min: 0, max: formats.length - 1 })), { minLength: 1, maxLength: 8 });
	const look = fc.record({
		kind: fc.constantFrom('listed', 'listed', 'listed', 'unreachable', 'noJobList'),
		listed: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
		status: fc.array(fc.constantFrom('queued', 'printing', 'wait_cleanup', 'finished', 'failed'), { minLength: 8, maxLength: 8 }),
	});
	fc.assert(
		fc.property(pool, fc.array(look, { minLength: 1, maxLength: 12 }), fc.boolean(), (times, looks, sameFormat) => {
			const createdAt = times.map(([offset, format]) => formats[sameFormat ? 0 : format](Date.UTC(2026, 10, 24) + offset));
			let state: TriggerState | undefined;
			let expected: number | null | undefined;
			looks.forEach((poll, index) => {
				const jobs = createdAt.flatMap((created, i) => (poll.listed[i] ? [job(`J${i}`, { status: poll.status[i], started: poll.status[i] !== 'queued', printer_uuid: 'P1', created_at: created })] : []));
				const observation =
					poll.kind === 'unreachable' ? unreachable() : seen(poll.kind === 'noJobList' ? { generated_time: n8nTime(index), printers: [P1] } : snapshot([P1], jobs, n8nTime(index)));
				const result = diffSnapshots(state, [observation], OPTIONS, new Date(n8nTime(index)));
				state = JSON.parse(JSON.stringify(result.state)) as TriggerState;
				if (poll.kind === 'listed') {
					const readable = jobs.map((listed) => Date.parse(listed.created_at!)).filter((ms) => !Number.isNaN(ms));
					expected = readable.length === 0 ? null : Math.max(...readable);
				}
				const nc = state.c['cluster-A']?.nc;
				if (expected === undefined) expect(nc).toBeUndefined();
				else expect(nc === null || nc === undefined ? nc : Date.parse(nc)).toBe(expected);
			});
		}),
		{ numRuns: 500 },
	);
});
