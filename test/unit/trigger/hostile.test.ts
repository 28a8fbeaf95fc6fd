/** One event per real transition, whatever the server's clock or duplicates, and any id as a plain key. */
import { deepCopy } from 'n8n-workflow';

import type { TriggerState } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { diffSnapshots } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { job, names, OPTIONS, printer, runPolls, seen, snapshot } from './builders';

const T0 = '2026-11-25T10:00:00.000Z';
const T1 = '2026-11-25T10:01:00.000Z';
const T2 = '2026-11-25T10:02:00.000Z';
const T3 = '2026-11-25T10:03:00.000Z';
const P1 = printer('P1');

it('a job listed twice (a stale printing entry next to its ending) ends once, not again on the next poll', () => {
	const printing = job('J1', { status: 'printing', started: true, time_elapsed: 600, printer_uuid: 'P1' });
	const finished = job('J1', { status: 'wait_cleanup', started: true, time_elapsed: 3600, printer_uuid: 'P1' });
	const { perPoll } = runPolls([
		[seen(snapshot([P1], [printing], T0))],
		[seen(snapshot([P1], [finished, printing], T1))],
		[seen(snapshot([P1], [finished], T2))],
		[seen(snapshot([P1], [printing, finished], T3))],
	]);
	expect(perPoll.map(names)).toEqual([[], ['job.finished:J1'], [], []]);
});

it('a server clock that jumps a day ahead and back does not swallow a job created and failed in between', () => {
	const dayAhead = '2026-11-26T10:01:00.000Z';
	const failed = job('J9', { status: 'failed', created_at: '2026-11-25T10:01:30.000Z', time_elapsed: 10 });
	const { perPoll } = runPolls([
		[seen(snapshot([P1], [], T0))],
		[seen(snapshot([P1], [], dayAhead))],
		[seen(snapshot([P1], [failed], T2))],
	]);
	expect(names(perPoll[2])).toEqual(['job.queued:J9', 'job.started:J9', 'job.failed:J9']);
});

it('the same clock jump with a state saved before `nc` was kept: the remembered time is capped at n8n\'s', () => {
	// Such a state (an older release's) has only `g`, the previous look's generated_time, to tell news from history.
	const dayAhead = '2026-11-26T10:01:00.000Z';
	const { state } = runPolls([[seen(snapshot([P1], [], T0))], [seen(snapshot([P1], [], dayAhead))]]);
	const olderRelease = state!;
	delete olderRelease.c['cluster-A']!.nc;
	expect(olderRelease.c['cluster-A']!.g).toBe(T1);
	const failed = job('J9', { status: 'failed', created_at: '2026-11-25T10:01:30.000Z', time_elapsed: 10 });
	const result = diffSnapshots(olderRelease, [seen(snapshot([P1], [failed], T2))], OPTIONS, new Date(T2));
	expect(names(result.events)).toEqual(['job.queued:J9', 'job.started:J9', 'job.failed:J9']);
});

describe('ids that are special words in JavaScript are plain keys', () => {
	const polls = (id: string) => [
		[seen(snapshot([printer(id)], [], T0), { cluster_id: id })],
		[seen(snapshot([printer(id)], [job(id, { assigned_to: id, created_at: T1 })], T1), { cluster_id: id })],
		[seen(snapshot([printer(id, { status: 'printing' })], [job(id, { assigned_to: id, status: 'printing', started: true, created_at: T1 })], T2), { cluster_id: id })],
		[seen(snapshot([printer(id, { status: 'printing' })], [job(id, { assigned_to: id, status: 'printing', started: true, created_at: T1 })], T3), { cluster_id: id })],
	];

	it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '~tilde'])('%s as cluster, printer and job id', (id) => {
		const { perPoll } = runPolls(polls(id));
		expect(perPoll.map(names)).toEqual([[], [`job.queued:${id}`], [`job.started:${id}`, `printer.statusChanged:${id}`], []]);
		expect(perPoll[1][0].cluster.cluster_id).toBe(id);
	});

	it('survives the way n8n copies static data (key by key) between polls', () => {
		let state: TriggerState | undefined;
		const perPoll = polls('__proto__').map((observations, index) => {
			const result = diffSnapshots(state, observations, OPTIONS, new Date(Date.UTC(2026, 10, 25, 10, index)));
			state = deepCopy(result.state);
			return names(result.events);
		});
		expect(perPoll).toEqual([[], ['job.queued:__proto__'], ['job.started:__proto__', 'printer.statusChanged:__proto__'], []]);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});
