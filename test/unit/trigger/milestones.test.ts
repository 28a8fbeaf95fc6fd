/**
 * job.progress through the pure diff: once per milestone and print, none at the baseline, for a job first seen past
 * them or one that ended in between; and restarts from the state n8n last saved (it saves static data only with a
 * poll that emits items) neither repeat nor lose a milestone.
 */
import fc from 'fast-check';

import type { ApiPrintJobStatus, DiffOptions, TriggerEvent, TriggerEventName, TriggerState } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { diffSnapshots, filterEvents } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { progressStep } from '../../../nodes/UltimakerDigitalFactory/core/events/milestones';
import { job, names, printer, runPolls, seen, snapshot } from './builders';

const P1 = printer('P1', { status: 'printing' });
const MILESTONES: DiffOptions = { offlineAfterMissedPolls: 3, progressMilestones: [25, 50, 75] };
const TOTAL = 1000;

/** J1 printing on P1 at `percent` % of 1000 s. */
function at(percent: number, overrides: Partial<ApiPrintJobStatus> = {}): ApiPrintJobStatus {
	return job('J1', { status: 'printing', started: true, printer_uuid: 'P1', time_total: TOTAL, time_elapsed: percent * 10, ...overrides });
}

const poll = (...jobs: ApiPrintJobStatus[]) => [seen(snapshot([P1], jobs))];
const progressOnly = (events: TriggerEvent[]) => events.filter((event) => event.event === 'job.progress').map((event) => event.milestone);

describe('job.progress', () => {
	it('fires once per milestone passed, with progress, milestone and estimated_finish_at', () => {
		const { perPoll } = runPolls([poll(at(10)), poll(at(20)), poll(at(30)), poll(at(40)), poll(at(80)), poll(at(90))], MILESTONES);
		expect(perPoll.map(progressOnly)).toEqual([[], [], [25], [], [50, 75], []]);
		const [event] = perPoll[2];
		expect(event).toMatchObject({
			event: 'job.progress',
			milestone: 25,
			job: { uuid: 'J1', progress: 30, status: 'printing', time_remaining: 700, reference: null },
			previous: { status: 'printing', progress: 20 },
			printer: { uuid: 'P1' },
		});
		expect(event.job?.estimated_finish_at).toBe(new Date(Date.parse('2026-11-25T10:00:00.000Z') + 700_000).toISOString());
		// Several milestones in one poll: one event each, ascending.
		expect(perPoll[4].map((e) => `${e.event}:${e.milestone}`)).toEqual(['job.progress:50', 'job.progress:75']);
	});

	it('fires exactly at the milestone (at or above), not just below it', () => {
		const { perPoll } = runPolls([poll(at(24.9)), poll(at(25)), poll(at(49.99))], MILESTONES);
		expect(perPoll.map(progressOnly)).toEqual([[], [25], []]);
	});

	it('is silent at the baseline and for a job first seen past milestones', () => {
		const j2 = (percent: number) => job('J2', { status: 'printing', started: true, printer_uuid: 'P1', time_total: TOTAL, time_elapsed: percent * 10 });
		const { perPoll } = runPolls([poll(at(60)), poll(at(70)), poll(at(80)), poll(at(80), j2(60)), poll(at(80), j2(80))], MILESTONES);
		// Baseline at 60 %: 25 and 50 are never announced; 75 is, when passed.
		expect(perPoll.map(progressOnly)).toEqual([[], [], [75], [], [75]]);
		// J2 first seen at 60 %: queued + started, no milestone; then 75 when passed.
		expect(names(perPoll[3])).toEqual(['job.queued:J2', 'job.started:J2']);
		expect(names(perPoll[4])).toEqual(['job.progress:J2']);
	});

	it('emitOnFirstPoll announces the live queue but no milestone', () => {
		const { perPoll } = runPolls([poll(at(60)), poll(at(80))], { ...MILESTONES, emitOnFirstPoll: true });
		expect(perPoll.map(progressOnly)).toEqual([[], [75]]);
		expect(names(perPoll[0])).toContain('job.started:J1');
	});

	it('says nothing for a job that ended in between: its end event says it', () => {
		const finished = at(100, { status: 'wait_cleanup' });
		const { perPoll } = runPolls([poll(at(10)), poll(finished)], MILESTONES);
		expect(names(perPoll[1])).toEqual(['job.finished:J1']);
		const aborted = at(60, { status: 'aborted' });
		expect(names(runPolls([poll(at(10)), poll(aborted)], MILESTONES).perPoll[1])).toEqual(['job.aborted:J1']);
	});

	it('orders milestones after a (re)start and before a pause', () => {
		const queued = job('J1', { status: 'queued', printer_uuid: 'P1', time_total: TOTAL, time_elapsed: 0 });
		const started = runPolls([poll(queued), poll(at(30))], MILESTONES).perPoll[1];
		expect(started.map((e) => e.event)).toEqual(['job.started', 'job.progress']);
		const paused = runPolls([poll(at(10)), poll(at(30, { status: 'paused' }))], MILESTONES).perPoll[1];
		expect(paused.map((e) => e.event)).toEqual(['job.progress', 'job.paused']);
		const resumed = runPolls([poll(at(10, { status: 'paused' })), poll(at(30))], MILESTONES).perPoll[1];
		expect(resumed.map((e) => e.event)).toEqual(['job.resumed', 'job.progress']);
	});

	it('fires for paused and waiting prints; not while aborting', () => {
		expect(progressOnly(runPolls([poll(at(10, { status: 'paused' })), poll(at(30, { status: 'paused' }))], MILESTONES).perPoll[1])).toEqual([25]);
		expect(progressOnly(runPolls([poll(at(10)), poll(at(30, { status: 'wait_user_action' }))], MILESTONES).perPoll[1])).toEqual([25]);
		const aborting = runPolls([poll(at(10)), poll(at(30, { status: 'aborting' })), poll(at(30, { status: 'aborted' }))], MILESTONES).perPoll;
		expect(aborting.map(progressOnly)).toEqual([[], [], []]);
	});

	it('a milestone passed while the status was unknown is announced once the print is seen running again', () => {
		const { perPoll } = runPolls([poll(at(10)), poll(at(30, { status: 'calibrating' })), poll(at(35))], MILESTONES);
		expect(perPoll.map(progressOnly)).toEqual([[], [], [25]]);
	});

	it('never twice for one print, also when its estimated total grows and progress goes back', () => {
		const { perPoll, state } = runPolls(
			[poll(at(10)), poll(at(55)), poll(at(45, { time_total: 1300, time_elapsed: 585 })), poll(at(55, { time_total: 1300, time_elapsed: 715 })), poll(at(80))],
			MILESTONES,
		);
		expect(perPoll.map(progressOnly)).toEqual([[], [25, 50], [], [], [75]]);
		expect(state?.c['cluster-A'].j.J1.h).toBeUndefined();
	});

	it('remembers the peak compactly: only when the progress seen is below it', () => {
		const { state } = runPolls([poll(at(10)), poll(at(55)), poll(at(45, { time_total: 1300, time_elapsed: 585 }))], MILESTONES);
		expect(state?.c['cluster-A'].j.J1).toMatchObject({ e: 585, t: 1300, h: 55 });
		const quiet = runPolls([poll(at(10)), poll(at(20))], MILESTONES).state;
		expect(quiet?.c['cluster-A'].j.J1).not.toHaveProperty('h');
	});

	it('loads states saved before milestones existed (no peak field): the progress last seen is the peak', () => {
		const old: TriggerState = {
			v: 1,
			c: {
				'cluster-A': {
					n: 'Lab A',
					g: '2026-11-25T09:59:00.000Z',
					p: { P1: { n: 'Printer P1', v: 'Ultimaker S5', s: 'printing', x: [] } },
					j: { J1: { s: 'printing', n: 'J1.gcode', c: 'cloud-J1', o: 'jdoe', p: 'P1', e: 200, t: TOTAL, st: 1 } },
					d: [],
				},
			},
		};
		const { perPoll } = runPolls([poll(at(26)), poll(at(30))], MILESTONES, old);
		expect(perPoll.map(progressOnly)).toEqual([[25], []]);
	});

	it('never fires without milestones, and ignores invalid ones handed to the pure diff', () => {
		expect(runPolls([poll(at(10)), poll(at(90))]).perPoll.flat().filter((e) => e.event === 'job.progress')).toEqual([]);
		const odd = runPolls([poll(at(10)), poll(at(90))], { offlineAfterMissedPolls: 3, progressMilestones: [0, 100, 12.5, 50, 50] }).perPoll[1];
		expect(progressOnly(odd)).toEqual([50]);
	});

	it('carries the order reference of the job name on every job event', () => {
		const named = (percent: number, overrides: Partial<ApiPrintJobStatus> = {}) => at(percent, { name: '[ref=SO-1001] bracket.gcode', ...overrides });
		const { perPoll } = runPolls([poll(named(10)), poll(named(30)), poll(named(100, { status: 'wait_cleanup' }))], MILESTONES);
		expect(perPoll.flat().map((event) => [event.event, event.job?.reference])).toEqual([
			['job.progress', 'SO-1001'],
			['job.finished', 'SO-1001'],
		]);
	});
});

describe('job.progress across restarts', () => {
	/**
	 * A running trigger as n8n runs it: state kept in memory between polls, saved only when a poll emits items
	 * (after the Events filter). `restartBefore[i]`: n8n restarts before poll i, from the last saved state.
	 */
	function runTrigger(polls: ReturnType<typeof poll>[], restartBefore: boolean[], selected: TriggerEventName[] = []): TriggerEvent[][] {
		let saved: TriggerState | undefined;
		let memory: TriggerState | undefined;
		return polls.map((observations, index) => {
			if (restartBefore[index]) memory = saved === undefined ? undefined : (JSON.parse(JSON.stringify(saved)) as TriggerState);
			const result = diffSnapshots(memory, observations, MILESTONES, new Date(Date.UTC(2026, 10, 25, 10, index)));
			memory = result.state;
			const emitted = filterEvents(result.events, selected);
			if (emitted.length > 0) saved = JSON.parse(JSON.stringify(result.state)) as TriggerState;
			return emitted;
		});
	}

	it('a restart after quiet polls neither repeats nor loses a milestone', () => {
		// Saved at poll 1 (job.queued, job.started) and poll 2 (25); polls 3 and 4 are quiet and lost.
		const polls = [poll(), poll(at(10)), poll(at(30)), poll(at(40)), poll(at(45)), poll(at(55)), poll(at(60))];
		const emitted = runTrigger(polls, [false, false, false, false, false, true, false]);
		expect(emitted.map(progressOnly)).toEqual([[], [], [25], [], [], [50], []]);
	});

	it('property: with every event selected, each milestone between first sight and the peak fires exactly once', () => {
		fc.assert(
			fc.property(
				fc.array(fc.record({ percent: fc.integer({ min: 0, max: 99 }), restart: fc.boolean() }), { minLength: 1, maxLength: 25 }),
				fc.integer({ min: 0, max: 99 }),
				(steps, firstPercent) => {
					const polls = [poll(), poll(at(firstPercent)), ...steps.map((step) => poll(at(step.percent)))];
					const restarts = [false, false, ...steps.map((step) => step.restart)];
					const fired = runTrigger(polls, restarts).flat().filter((event) => event.event === 'job.progress').map((event) => event.milestone);
					const peak = Math.max(firstPercent, ...steps.map((step) => step.percent));
					const expected = [25, 50, 75].filter((milestone) => firstPercent < milestone && milestone <= peak);
					expect([...fired].sort((a, b) => a! - b!)).toEqual(expected);
				},
			),
			{ numRuns: 300 },
		);
	});

	it('property: whatever the Events filter, no milestone fires twice for one print', () => {
		const selections: TriggerEventName[][] = [[], ['job.progress'], ['job.progress', 'job.finished'], ['job.started', 'job.progress']];
		fc.assert(
			fc.property(
				fc.array(fc.record({ percent: fc.integer({ min: 0, max: 99 }), restart: fc.boolean() }), { minLength: 1, maxLength: 25 }),
				fc.constantFrom(...selections),
				(steps, selected) => {
					const polls = [poll(), ...steps.map((step) => poll(at(step.percent)))];
					const fired = runTrigger(polls, [false, ...steps.map((step) => step.restart)], selected)
						.flat()
						.filter((event) => event.event === 'job.progress')
						.map((event) => event.milestone);
					expect(new Set(fired).size).toBe(fired.length);
				},
			),
			{ numRuns: 300 },
		);
	});

	it('with job.queued not selected, a first sighting is saved only with the next poll that emits: a restart before it counts the job as first seen again', () => {
		// Poll 1 sees J1 at 10 % (nothing selected fires, nothing saved); n8n restarts; poll 2 sees it at 30 %.
		const emitted = runTrigger([poll(), poll(at(10)), poll(at(30)), poll(at(55))], [false, false, true, false], ['job.progress']);
		expect(emitted.map(progressOnly)).toEqual([[], [], [], [50]]);
		// Without the restart, 25 fires at poll 2.
		expect(runTrigger([poll(), poll(at(10)), poll(at(30)), poll(at(55))], [], ['job.progress']).map(progressOnly)).toEqual([[], [], [25], [50]]);
	});
});

describe('progressStep', () => {
	const memory = (peakProgress: number | null, status = 'printing') => ({
		status,
		name: null,
		cloudJobId: null,
		owner: null,
		printerUuid: null,
		elapsed: null,
		total: TOTAL,
		started: true,
		peakProgress,
	});

	it('first sight: accounted at the current progress, nothing crossed', () => {
		expect(progressStep(undefined, at(60), [25, 50, 75])).toEqual({ peak: 60, crossed: [] });
	});

	it('unknown progress: nothing is claimed', () => {
		expect(progressStep(memory(null), at(60), [25])).toEqual({ peak: 60, crossed: [] });
		expect(progressStep(memory(10), at(60, { time_total: null }), [25])).toEqual({ peak: 10, crossed: [] });
		expect(progressStep(memory(null, 'queued'), job('J1', { status: 'queued', time_total: TOTAL }), [25])).toEqual({ peak: 0, crossed: [] });
	});

	it('a phase that does not announce keeps the peak', () => {
		expect(progressStep(memory(10), at(30, { status: 'aborting' }), [25])).toEqual({ peak: 10, crossed: [] });
	});
});
