import { diffSnapshots, emptyState, isTriggerState, terminalKey } from '../../../nodes/UltimakerDigitalFactory/core/events';
import type { ApiPrintJobStatus, TriggerState } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { job, names, OPTIONS, PLA, printer, runPolls, seen, snapshot, TOUGH_PLA, unreachable } from './builders';

const P1 = printer('P1');
const T0 = '2026-11-25T10:00:00.000Z';
const T1 = '2026-11-25T10:01:00.000Z';
const T2 = '2026-11-25T10:02:00.000Z';

function printing(uuid: string, overrides: Partial<ApiPrintJobStatus> = {}): ApiPrintJobStatus {
	return job(uuid, { status: 'printing', started: true, time_elapsed: 600, printer_uuid: 'P1', ...overrides });
}

describe('first poll', () => {
	it('records a baseline and emits nothing by default', () => {
		const result = diffSnapshots(
			undefined,
			[seen(snapshot([P1], [printing('J1'), job('J2'), job('H1', { status: 'finished', time_elapsed: 3600 })]))],
			OPTIONS,
			new Date(T0),
		);
		expect(result.events).toEqual([]);
		expect(Object.keys(result.state.c['cluster-A'].p)).toEqual(['P1']);
		expect(Object.keys(result.state.c['cluster-A'].j)).toEqual(['J1', 'J2']);
		expect(result.state.c['cluster-A'].j.J1.st).toBe(1);
		expect(result.state.c['cluster-A'].d).toEqual([terminalKey('H1')]);
	});

	it('with emitOnFirstPoll announces printers and the live queue, not the history', () => {
		const paused = job('J3', { status: 'paused', started: true, time_elapsed: 100, printer_uuid: 'P2' });
		const result = diffSnapshots(
			undefined,
			[
				seen(
					snapshot(
						[P1, printer('P2', { maintenance_required: true })],
						[printing('J1'), job('J2'), paused, job('H1', { status: 'finished', time_elapsed: 3600 })],
					),
				),
			],
			{ ...OPTIONS, emitOnFirstPoll: true },
			new Date(T0),
		);
		expect(names(result.events)).toEqual([
			'printer.online:P1',
			'printer.online:P2',
			'job.queued:J1',
			'job.started:J1',
			'job.queued:J2',
			'job.queued:J3',
			'job.started:J3',
			'job.paused:J3',
			'printer.maintenanceRequired:P2',
		]);
		expect(result.events[0].previous).toBeNull();
		expect(result.events[0].job?.uuid).toBe('J1');
	});

	it('does not remember a cluster it could not fetch yet', () => {
		const result = diffSnapshots(undefined, [unreachable()], OPTIONS, new Date(T0));
		expect(result).toEqual({ events: [], state: emptyState() });
	});
});

describe('job lifecycle', () => {
	it('emits each transition once, in order, across polls', () => {
		const base = { printer_uuid: 'P1', started: true };
		const steps: ApiPrintJobStatus[] = [
			job('J1'),
			job('J1', { ...base, status: 'pre_print', started: false }),
			job('J1', { ...base, status: 'printing', time_elapsed: 60 }),
			job('J1', { ...base, status: 'printing', time_elapsed: 120 }),
			job('J1', { ...base, status: 'pausing', time_elapsed: 130 }),
			job('J1', { ...base, status: 'paused', time_elapsed: 130 }),
			job('J1', { ...base, status: 'resuming', time_elapsed: 130 }),
			job('J1', { ...base, status: 'printing', time_elapsed: 200 }),
			job('J1', { ...base, status: 'post_print', time_elapsed: 3600 }),
			job('J1', { ...base, status: 'wait_cleanup', time_elapsed: 3600 }),
			job('J1', { ...base, status: 'finished', time_elapsed: 3600 }),
		];
		const { perPoll } = runPolls(steps.map((step) => [seen(snapshot([P1], [step]))]));
		expect(perPoll.map((events) => names(events).filter((name) => name.startsWith('job.')))).toEqual([
			[],
			['job.started:J1'],
			[],
			[],
			['job.paused:J1'],
			[],
			['job.resumed:J1'],
			[],
			[],
			['job.finished:J1'],
			[],
		]);
	});

	it('tells finished from aborted in wait_cleanup by elapsed vs total', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [printing('J1'), printing('J2', { printer_uuid: 'P2' })]))],
			[
				seen(
					snapshot(
						[P1],
						[
							printing('J1', { status: 'wait_cleanup', time_elapsed: 3600 }),
							printing('J2', { status: 'wait_cleanup', time_elapsed: 1800, printer_uuid: 'P2' }),
						],
					),
				),
			],
			[
				seen(
					snapshot(
						[P1],
						[printing('J1', { status: 'finished', time_elapsed: 3600 }), printing('J2', { status: 'aborted', time_elapsed: 1800 })],
					),
				),
			],
		]);
		expect(names(perPoll[1])).toEqual(['job.finished:J1', 'job.aborted:J2']);
		expect(perPoll[2]).toEqual([]);
	});

	it('turns several transitions between two polls into the events a user expects', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [job('J1')], T0))],
			[seen(snapshot([P1], [job('J1', { status: 'wait_cleanup', started: true, time_elapsed: 3600, printer_uuid: 'P1' })], T1))],
		]);
		expect(names(perPoll[1]).filter((n) => n.startsWith('job.'))).toEqual(['job.started:J1', 'job.finished:J1']);
		expect(perPoll[1].every((event) => event.previous?.status === 'queued')).toBe(true);
	});

	it('reports a job never seen that ran entirely between two polls: queued, started, finished', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [], T0))],
			[
				seen(
					snapshot(
						[P1],
						[job('J9', { status: 'finished', started: true, time_elapsed: 60, time_total: 60, created_at: T1, printer_uuid: 'P1' })],
						T2,
					),
				),
			],
		]);
		expect(names(perPoll[1])).toEqual(['job.queued:J9', 'job.started:J9', 'job.finished:J9']);
		expect(perPoll[1][0].previous).toBeNull();
	});

	it('handles jobs that jump straight into finished/aborted/failed without wait_cleanup', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [printing('A'), printing('B'), printing('C')]))],
			[
				seen(
					snapshot(
						[P1],
						[
							printing('A', { status: 'finished', time_elapsed: 3600 }),
							printing('B', { status: 'aborted' }),
							printing('C', { status: 'failed' }),
						],
					),
				),
			],
		]);
		expect(names(perPoll[1])).toEqual(['job.finished:A', 'job.aborted:B', 'job.failed:C']);
	});

	it('a queued job that is aborted before starting gets no job.started', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [job('J1')]))],
			[seen(snapshot([P1], [job('J1', { status: 'aborted' })]))],
		]);
		expect(names(perPoll[1])).toEqual(['job.aborted:J1']);
	});

	it('a job paused and aborted between polls is not "resumed"; one paused, resumed and finished is', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [printing('A', { status: 'paused' }), printing('B', { status: 'paused' })]))],
			[
				seen(
					snapshot(
						[P1],
						[printing('A', { status: 'wait_cleanup', time_elapsed: 100 }), printing('B', { status: 'wait_cleanup', time_elapsed: 3600 })],
					),
				),
			],
		]);
		expect(names(perPoll[1])).toEqual(['job.aborted:A', 'job.resumed:B', 'job.finished:B']);
	});

	it('emits job.waitingForUser when a job enters wait_user_action, once per wait', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [printing('J1')]))],
			[seen(snapshot([P1], [printing('J1', { status: 'wait_user_action' })]))],
			[seen(snapshot([P1], [printing('J1', { status: 'wait_user_action' })]))],
			[seen(snapshot([P1], [printing('J1')]))],
			[seen(snapshot([P1], [printing('J1', { status: 'wait_user_action' })]))],
		]);
		expect(perPoll.map(names)).toEqual([[], ['job.waitingForUser:J1'], [], [], ['job.waitingForUser:J1']]);
	});

	it('never emits a second terminal event, even if the status changes again', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [printing('J1')]))],
			[seen(snapshot([P1], [printing('J1', { status: 'wait_cleanup', time_elapsed: 1000 })]))],
			[seen(snapshot([P1], [printing('J1', { status: 'finished', time_elapsed: 3600 })]))],
			[seen(snapshot([P1], [printing('J1', { status: 'printing' })]))],
		]);
		expect(perPoll.map(names)).toEqual([[], ['job.aborted:J1'], [], []]);
	});

	it('fills the job part of the event item exactly', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [printing('J1', { time_elapsed: 900 })], T0))],
			[seen(snapshot([printer('P1', { status: 'printing' })], [printing('J1', { status: 'paused', time_elapsed: 1800 })], T1))],
			[seen(snapshot([printer('P1', { status: 'printing' })], [printing('J1', { status: 'printing', time_elapsed: 1800 })], T2))],
		]);
		expect(perPoll[2][0]).toEqual({
			event: 'job.resumed',
			detectedAt: '2026-11-25T10:02:00.000Z',
			cluster: { cluster_id: 'cluster-A', friendly_name: 'Lab A', host_guid: null },
			printer: { uuid: 'P1', friendly_name: 'Printer P1', status: 'printing', machine_variant: 'Ultimaker S5' },
			job: {
				uuid: 'J1',
				cloud_job_id: 'cloud-J1',
				name: 'J1.gcode',
				reference: null,
				status: 'printing',
				owner: 'jdoe',
				progress: 50,
				time_elapsed: 1800,
				time_total: 3600,
				time_remaining: 1800,
				estimated_finish_at: '2026-11-25T10:32:00.000Z',
			},
			previous: { status: 'paused' },
		});
	});

	it('reports a finished job with progress 100 and no remaining time', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [printing('J1')]))],
			[seen(snapshot([P1], [printing('J1', { status: 'wait_cleanup', time_elapsed: 3600 })]))],
		]);
		expect(perPoll[1][0].job).toMatchObject({ status: 'wait_cleanup', progress: 100, time_remaining: 0, estimated_finish_at: null });
		expect(perPoll[1][0].previous).toEqual({ status: 'printing' });
	});
});

describe('queue changes', () => {
	it('emits job.queued for a new job and job.removed for a queued job that disappears', () => {
		const { perPoll, state } = runPolls([
			[seen(snapshot([P1], [job('J1')]))],
			[seen(snapshot([P1], [job('J1'), job('J2', { created_at: T1 })]))],
			[seen(snapshot([P1], [job('J2', { created_at: T1 })]))],
		]);
		expect(perPoll.map(names)).toEqual([[], ['job.queued:J2'], ['job.removed:J1']]);
		expect(perPoll[2][0].previous).toEqual({ status: 'queued' });
		expect(perPoll[2][0].job).toMatchObject({ uuid: 'J1', name: 'J1.gcode', cloud_job_id: 'cloud-J1', status: 'queued' });
		expect(Object.keys(state!.c['cluster-A'].j)).toEqual(['J2']);
	});

	it('emits nothing when a job is moved to the top of the queue', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [printing('J0'), job('J1'), job('J2'), job('J3')]))],
			[seen(snapshot([P1], [printing('J0'), job('J3'), job('J1'), job('J2')]))],
		]);
		expect(perPoll[1]).toEqual([]);
	});

	it('lets finished jobs leave the 10-job history silently and never re-reports them', () => {
		const history = (from: number, to: number) =>
			Array.from({ length: to - from + 1 }, (_, i) =>
				job(`H${from + i}`, { status: 'finished', time_elapsed: 3600, created_at: `2026-11-25T09:${String(from + i).padStart(2, '0')}:00.000Z` }),
			);
		const { perPoll, state } = runPolls([
			[seen(snapshot([P1], history(1, 10), T0))],
			[seen(snapshot([P1], history(3, 10), T1))],
			// The window shrinks and grows back: the old entries come back, they are not news.
			[seen(snapshot([P1], history(1, 10), T2))],
		]);
		expect(perPoll).toEqual([[], [], []]);
		expect(state!.c['cluster-A'].d).toHaveLength(10);
	});

	it('keeps state bounded through 10-job history churn (30 jobs, one terminal event each)', () => {
		const polls = [];
		const history: ApiPrintJobStatus[] = [];
		for (let i = 0; i < 30; i++) {
			const uuid = `J${i}`;
			const at = new Date(Date.UTC(2026, 10, 25, 10, i * 2)).toISOString();
			const later = new Date(Date.UTC(2026, 10, 25, 10, i * 2 + 1)).toISOString();
			polls.push([seen(snapshot([P1], [printing(uuid, { created_at: at }), ...history], at))]);
			history.unshift(printing(uuid, { status: 'finished', time_elapsed: 3600, created_at: at }));
			history.length = Math.min(history.length, 10);
			polls.push([seen(snapshot([P1], [...history], later))]);
		}
		const { perPoll, state } = runPolls(polls);
		const all = perPoll.flat().map((event) => `${event.event}:${event.job?.uuid}`);
		expect(all.filter((name) => name.startsWith('job.finished'))).toHaveLength(30);
		expect(all.filter((name) => name.startsWith('job.removed'))).toEqual([]);
		expect(new Set(all).size).toBe(all.length);
		expect(state!.c['cluster-A'].d).toHaveLength(10);
		expect(Object.keys(state!.c['cluster-A'].j)).toEqual([]);
	});
});

describe('printers', () => {
	it('emits statusChanged for status changes and maintenanceRequired when it turns true', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], []))],
			[seen(snapshot([printer('P1', { status: 'maintenance', maintenance_required: true })], []))],
			[seen(snapshot([printer('P1', { status: 'maintenance', maintenance_required: true })], []))],
			[seen(snapshot([printer('P1', { status: 'idle', maintenance_required: false })], []))],
			[seen(snapshot([printer('P1', { status: 'idle', maintenance_required: true })], []))],
		]);
		expect(perPoll.map(names)).toEqual([
			[],
			['printer.statusChanged:P1', 'printer.maintenanceRequired:P1'],
			[],
			['printer.statusChanged:P1'],
			['printer.maintenanceRequired:P1'],
		]);
		expect(perPoll[1][0].previous).toEqual({ status: 'idle' });
		expect(perPoll[1][0].printer?.status).toBe('maintenance');
		expect(perPoll[1][1].previous).toEqual({ maintenance_required: false });
	});

	it('reports material and print core changes per extruder with the previous and new values', () => {
		const changed = printer('P1', {
			configuration: [
				{ extruder_index: 0, print_core_id: 'AA 0.4', material: { ...TOUGH_PLA } },
				{ extruder_index: 1, print_core_id: 'AA 0.8', material: null },
			],
		});
		const { perPoll } = runPolls([[seen(snapshot([P1], []))], [seen(snapshot([changed], []))]]);
		expect(perPoll[1].map((event) => [event.event, event.previous, event.extruder])).toEqual([
			[
				'printer.materialChanged',
				{ extruder_index: 0, material: PLA },
				{ extruder_index: 0, print_core_id: 'AA 0.4', material: TOUGH_PLA },
			],
			[
				'printer.printCoreChanged',
				{ extruder_index: 1, print_core_id: 'BB 0.4' },
				{ extruder_index: 1, print_core_id: 'AA 0.8', material: null },
			],
		]);
	});

	it('compares materials by GUID, or by brand/colour/material when there is no GUID', () => {
		const noGuid = (color: string) =>
			printer('P1', { configuration: [{ extruder_index: 0, print_core_id: 'AA 0.4', material: { brand: 'Generic', color, material: 'PLA' } }] });
		const { perPoll } = runPolls([
			[seen(snapshot([noGuid('Red')], []))],
			[seen(snapshot([noGuid('Red')], []))],
			[seen(snapshot([noGuid('White')], []))],
		]);
		expect(perPoll.map(names)).toEqual([[], [], ['printer.materialChanged:P1']]);
	});

	it('does not mistake extruders listed in another order for a change', () => {
		const reversed = printer('P1', { configuration: [...(P1.configuration ?? [])].reverse() });
		const { perPoll } = runPolls([[seen(snapshot([P1], []))], [seen(snapshot([reversed], []))], [seen(snapshot([P1], []))]]);
		expect(perPoll.flat()).toEqual([]);
	});

	it('puts the printer’s current job on printer events', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [job('J1')]))],
			[seen(snapshot([printer('P1', { status: 'pre_print' })], [job('J1', { status: 'pre_print', printer_uuid: 'P1' })]))],
		]);
		expect(names(perPoll[1])).toEqual(['job.started:J1', 'printer.statusChanged:P1']);
		expect(perPoll[1][1].job?.uuid).toBe('J1');
	});

	it('adds a printer that appears later silently and drops one that leaves', () => {
		const { perPoll, state } = runPolls([
			[seen(snapshot([P1], []))],
			[seen(snapshot([P1, printer('P2')], []))],
			[seen(snapshot([printer('P2')], []))],
		]);
		expect(perPoll).toEqual([[], [], []]);
		expect(Object.keys(state!.c['cluster-A'].p)).toEqual(['P2']);
	});
});

describe('connectivity', () => {
	it('goes offline only after offlineAfterMissedPolls failed polls, and back online once', () => {
		const ok = seen(snapshot([P1], [printing('J1')]));
		const { perPoll } = runPolls([[ok], [unreachable()], [unreachable()], [unreachable()], [unreachable()], [ok], [ok]]);
		expect(perPoll.map(names)).toEqual([[], [], [], ['printer.offline:P1'], [], ['printer.online:P1'], []]);
		expect(perPoll[3][0].printer?.status).toBe('unreachable');
		expect(perPoll[3][0].job?.uuid).toBe('J1');
		expect(perPoll[5][0].previous).toEqual({ status: 'idle', online: false });
	});

	it('counts is_online=false and printer status unreachable as missed polls too', () => {
		const offlineCluster = seen(snapshot([printer('P1', { status: 'unreachable' })], []), { is_online: false });
		const ok = seen(snapshot([P1], []));
		const { perPoll } = runPolls([[ok], [offlineCluster], [unreachable()], [seen(snapshot([printer('P1', { status: 'unreachable' })], []))], [ok]]);
		expect(perPoll.map(names)).toEqual([[], [], [], ['printer.offline:P1'], ['printer.online:P1']]);
	});

	it('does not flap: alternating misses never reach the threshold', () => {
		const ok = seen(snapshot([P1], []));
		const polls = Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? [ok] : [unreachable()]));
		const { perPoll } = runPolls([[ok], ...polls]);
		expect(perPoll.flat()).toEqual([]);
	});

	it('honours offlineAfterMissedPolls = 1', () => {
		const ok = seen(snapshot([P1], []));
		const { perPoll } = runPolls([[ok], [unreachable()], [ok]], { offlineAfterMissedPolls: 1 });
		expect(perPoll.map(names)).toEqual([[], ['printer.offline:P1'], ['printer.online:P1']]);
	});

	it('keeps every job across failed polls and reports what happened meanwhile once it is back', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [printing('J1'), job('J2')]))],
			[unreachable()],
			[unreachable()],
			[seen(snapshot([P1], [printing('J1', { status: 'wait_cleanup', time_elapsed: 3600 }), job('J2')]))],
		]);
		expect(perPoll.map(names)).toEqual([[], [], [], ['job.finished:J1']]);
	});

	it('reports a status change seen when a printer comes back after being offline', () => {
		const { perPoll } = runPolls(
			[
				[seen(snapshot([printer('P1', { status: 'printing' })], []))],
				[unreachable()],
				[seen(snapshot([printer('P1', { status: 'idle' })], []))],
			],
			{ offlineAfterMissedPolls: 1 },
		);
		expect(names(perPoll[2])).toEqual(['printer.online:P1', 'printer.statusChanged:P1']);
		expect(perPoll[2][1].previous).toEqual({ status: 'printing' });
	});

	it('does not report unreachable as a status change, nor a blip shorter than the threshold', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([P1], []))],
			[seen(snapshot([printer('P1', { status: 'unreachable' })], []))],
			[seen(snapshot([P1], []))],
		]);
		expect(perPoll.flat()).toEqual([]);
	});
});

describe('clusters', () => {
	it('drops a cluster that left the account without any event, and baselines a new one silently', () => {
		const other = { cluster_id: 'cluster-B', friendly_name: 'Lab B', is_online: true };
		const { perPoll, state } = runPolls([
			[seen(snapshot([P1], [printing('J1'), job('J2')]))],
			[{ ...other, status: snapshot([printer('P9')], [printing('J9', { printer_uuid: 'P9' })]) }],
		]);
		expect(perPoll).toEqual([[], []]);
		expect(Object.keys(state!.c)).toEqual(['cluster-B']);
	});

	it('keeps events of several clusters grouped per cluster, in the order the clusters were given', () => {
		const b = (status: ReturnType<typeof snapshot>) => ({ cluster_id: 'cluster-B', friendly_name: 'Lab B', is_online: true, status });
		const { perPoll } = runPolls([
			[seen(snapshot([P1], [job('J1')])), b(snapshot([printer('P2')], [job('K1')]))],
			[
				seen(snapshot([P1], [job('J1', { status: 'pre_print', printer_uuid: 'P1' })])),
				b(snapshot([printer('P2')], [job('K1', { status: 'pre_print', printer_uuid: 'P2' })])),
			],
		]);
		expect(names(perPoll[1])).toEqual(['job.started:J1', 'job.started:K1']);
		expect(perPoll[1].map((event) => event.cluster.cluster_id)).toEqual(['cluster-A', 'cluster-B']);
	});

	it('orders one printer’s events by time: the old job ends before the next one starts', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([printer('P1', { status: 'printing' })], [printing('A', { created_at: T0 }), job('B', { created_at: T1 })]))],
			[
				seen(
					snapshot(
						[printer('P1', { status: 'pre_print' })],
						[job('B', { status: 'pre_print', printer_uuid: 'P1', created_at: T1 }), printing('A', { status: 'finished', time_elapsed: 3600, created_at: T0 })],
					),
				),
			],
		]);
		expect(names(perPoll[1])).toEqual(['job.finished:A', 'job.started:B', 'printer.statusChanged:P1']);
	});

	it('attaches the cluster snapshot with includeSnapshot', () => {
		const status = snapshot([P1], [job('J1'), job('J2')]);
		const { perPoll } = runPolls([[seen(snapshot([P1], [job('J1')]))], [seen(status)]], { ...OPTIONS, includeSnapshot: true });
		expect(perPoll[1][0].snapshot).toEqual(status);
	});
});

describe('state', () => {
	it('keys ended jobs by a short hash that does not collide over many uuids', () => {
		const keys = new Set<string>();
		for (let i = 0; i < 50_000; i++) keys.add(terminalKey(`${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`));
		expect(keys.size).toBe(50_000);
		expect(Math.max(...[...keys].map((key) => key.length))).toBeLessThanOrEqual(13);
		expect(terminalKey('same')).toBe(terminalKey('same'));
	});

	it('is plain JSON, recognised by isTriggerState, and survives a restart mid-sequence', () => {
		const polls = [
			[seen(snapshot([P1], [job('J1')]))],
			[seen(snapshot([printer('P1', { status: 'printing' })], [printing('J1')]))],
			[unreachable()],
			[seen(snapshot([printer('P1', { status: 'printing' })], [printing('J1', { status: 'paused' })]))],
			[seen(snapshot([P1], [printing('J1', { status: 'wait_cleanup', time_elapsed: 3600 })]))],
		];
		const straight = runPolls(polls);
		// Restart after each poll = what runPolls already does (JSON round trip); compare with no round trip at all.
		let state: TriggerState | undefined;
		const inMemory = polls.map((observations, index) => {
			const result = diffSnapshots(state, observations, OPTIONS, new Date(Date.UTC(2026, 10, 25, 10, index)));
			state = result.state;
			return result.events;
		});
		expect(straight.perPoll).toEqual(inMemory);
		expect(isTriggerState(straight.state)).toBe(true);
		expect(isTriggerState({ clusters: {} })).toBe(false);
		expect(isTriggerState(null)).toBe(false);
	});

	it('does not mutate the previous state', () => {
		const first = diffSnapshots(undefined, [seen(snapshot([P1], [job('J1')]))], OPTIONS, new Date(T0));
		const frozen = JSON.stringify(first.state);
		diffSnapshots(first.state, [unreachable()], OPTIONS, new Date(T1));
		diffSnapshots(first.state, [seen(snapshot([printer('P1', { status: 'printing' })], [printing('J1')]))], OPTIONS, new Date(T1));
		expect(JSON.stringify(first.state)).toBe(frozen);
	});

	it('is deterministic', () => {
		const observations = [seen(snapshot([P1, printer('P2')], [job('J1'), printing('J2'), job('J3', { created_at: T1 })]))];
		const a = diffSnapshots(undefined, observations, { ...OPTIONS, emitOnFirstPoll: true }, new Date(T0));
		const b = diffSnapshots(undefined, observations, { ...OPTIONS, emitOnFirstPoll: true }, new Date(T0));
		expect(a).toEqual(b);
	});

	it('keeps printers and jobs when a status answer lacks their lists (no removal storm)', () => {
		const { perPoll, state } = runPolls([
			[seen(snapshot([P1], [printing('J1'), job('J2'), job('H1', { status: 'finished' })]))],
			[seen({ generated_time: T1 } as never)],
			[seen(snapshot([P1], [printing('J1'), job('J2'), job('H1', { status: 'finished' })]))],
		]);
		expect(perPoll).toEqual([[], [], []]);
		expect(Object.keys(state!.c['cluster-A'].j)).toEqual(['J1', 'J2']);
	});

	it('ignores malformed entries instead of failing', () => {
		const status = {
			generated_time: 'not a time',
			printers: [P1, null, { friendly_name: 'no uuid' }],
			print_jobs: [job('J1'), null, 42, { name: 'no uuid' }],
		} as never;
		const result = diffSnapshots(undefined, [seen(status)], OPTIONS, new Date(T0));
		expect(Object.keys(result.state.c['cluster-A'].p)).toEqual(['P1']);
		expect(Object.keys(result.state.c['cluster-A'].j)).toEqual(['J1']);
	});
});

describe('deleted: its own phase in the one table (removed), read by the trigger like an unknown status', () => {
	/** Queued, then the given status (twice, the second time with progress), then gone; events and state through JSON. */
	const lifecycle = (status: string, emitOnFirstPoll: boolean) =>
		runPolls(
			[
				[seen(snapshot([printer('P1')], [job('J1', { assigned_to: 'P1' })]))],
				[seen(snapshot([printer('P1')], [job('J1', { assigned_to: 'P1', status })]))],
				[seen(snapshot([printer('P1')], [job('J1', { assigned_to: 'P1', status, time_elapsed: 1800 }), job('J1', { status: 'queued' })]))],
				[seen(snapshot([printer('P1')], []))],
			],
			{ ...OPTIONS, emitOnFirstPoll, progressMilestones: [25, 50] },
		);
	const as = (result: ReturnType<typeof runPolls>, status: string) => JSON.stringify(result).split(`"${status}"`).join('"STATUS"');

	it.each([false, true])('gives the events and state an unknown status gives (emitOnFirstPoll: %p)', (emitOnFirstPoll) => {
		expect(as(lifecycle('deleted', emitOnFirstPoll), 'deleted')).toBe(as(lifecycle('not_a_status', emitOnFirstPoll), 'not_a_status'));
	});
});
