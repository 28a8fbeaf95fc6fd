/**
 * Property-based: random snapshot sequences (any status in any order, jobs appearing and leaving, failed polls,
 * clusters going offline) never yield contradictory events, and the state survives a JSON round trip.
 */
import fc from 'fast-check';
import { diffSnapshots } from '../../../nodes/UltimakerDigitalFactory/core/events';
import type { ApiPrintJobStatus, ClusterObservation, TriggerEvent, TriggerState } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { job, printer, snapshot } from './builders';

const JOB_STATUSES = [
	'queued', 'wait_approval', 'pre_print', 'printing', 'pausing', 'paused', 'resuming', 'post_print', 'aborting',
	'wait_user_action', 'wait_cleanup', 'finished', 'aborted', 'failed', 'sent_to_printer', 'error', 'something_new',
];
const PRINTER_STATUSES = ['idle', 'printing', 'pre_print', 'post_print', 'wait_cleanup', 'maintenance', 'error', 'unreachable'];
const JOBS = 6;
const PRINTERS = 2;
const TERMINAL = new Set(['job.finished', 'job.aborted', 'job.failed']);

const jobSample = fc.option(
	fc.record({
		status: fc.constantFrom(...JOB_STATUSES),
		elapsed: fc.integer({ min: 0, max: 120 }),
		total: fc.constantFrom(0, 60, 120),
		started: fc.boolean(),
		printer: fc.integer({ min: 0, max: PRINTERS - 1 }),
	}),
	{ freq: 3 },
);

const pollSample = fc.record({
	unreachable: fc.integer({ min: 0, max: 4 }).map((n) => n === 0), // one poll in five fails
	isOnline: fc.constantFrom(true, true, true, false),
	printers: fc.array(
		fc.record({ status: fc.constantFrom(...PRINTER_STATUSES), material: fc.constantFrom('PLA', 'ABS'), maintenance: fc.boolean() }),
		{ minLength: PRINTERS, maxLength: PRINTERS },
	),
	jobs: fc.array(jobSample, { minLength: JOBS, maxLength: JOBS }),
});

const scenario = fc.record({
	polls: fc.array(pollSample, { minLength: 1, maxLength: 30 }),
	threshold: fc.integer({ min: 1, max: 4 }),
	emitOnFirstPoll: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Builds the observations; a job uuid that left the list never comes back (uuids are not recycled). */
function observationsOf(input: Scenario): ClusterObservation[][] {
	const gone = new Set<number>();
	const present = new Set<number>();
	const createdAt = new Map<number, string>();
	return input.polls.map((poll, pollIndex) => {
		const generated = new Date(Date.UTC(2026, 10, 25, 10, pollIndex)).toISOString();
		if (poll.unreachable) return [{ cluster_id: 'C', friendly_name: 'Farm', unreachable: true }];
		const jobs: ApiPrintJobStatus[] = [];
		poll.jobs.forEach((sample, index) => {
			if (!sample || gone.has(index)) {
				if (present.has(index)) gone.add(index);
				return;
			}
			present.add(index);
			if (!createdAt.has(index)) createdAt.set(index, generated);
			jobs.push(
				job(`J${index}`, {
					status: sample.status,
					time_elapsed: sample.elapsed,
					time_total: sample.total,
					started: sample.started,
					printer_uuid: `P${sample.printer}`,
					created_at: createdAt.get(index),
				}),
			);
		});
		const printers = poll.printers.map((sample, index) =>
			printer(`P${index}`, {
				status: sample.status,
				maintenance_required: sample.maintenance,
				configuration: [{ extruder_index: 0, print_core_id: 'AA 0.4', material: { material: sample.material } }],
			}),
		);
		return [{ cluster_id: 'C', friendly_name: 'Farm', is_online: poll.isOnline, status: snapshot(printers, jobs, generated) }];
	});
}

/**
 * The cluster as Digital Factory names it when the printer is reconnected before poll `reconnectAt`: a new
 * cluster_id from then on, the same host_guid throughout (undefined: never reconnected).
 */
function withIdentity(polls: ClusterObservation[][], reconnectAt: number | undefined): ClusterObservation[][] {
	return polls.map((observations, index) =>
		observations.map((observation) => ({ ...observation, host_guid: 'G', cluster_id: reconnectAt !== undefined && index >= reconnectAt ? 'C2' : observation.cluster_id })),
	);
}

function run(input: Scenario, roundTrip: boolean, reconnectAt?: number): TriggerEvent[][] {
	let state: TriggerState | undefined;
	const polls = reconnectAt === undefined ? observationsOf(input) : withIdentity(observationsOf(input), reconnectAt);
	return polls.map((observations, index) => {
		const result = diffSnapshots(
			state,
			observations,
			{ offlineAfterMissedPolls: input.threshold, emitOnFirstPoll: input.emitOnFirstPoll },
			new Date(Date.UTC(2026, 10, 25, 10, index)),
		);
		state = roundTrip ? (JSON.parse(JSON.stringify(result.state)) as TriggerState) : result.state;
		return result.events;
	});
}

describe('diff properties', () => {
	it('never emits contradictory job events', () => {
		fc.assert(
			fc.property(scenario, (input) => {
				const perJob = new Map<string, string[]>();
				for (const event of run(input, true).flat()) {
					if (!event.event.startsWith('job.')) continue;
					const list = perJob.get(event.job!.uuid) ?? [];
					list.push(event.event);
					perJob.set(event.job!.uuid, list);
				}
				for (const [uuid, list] of perJob) {
					const count = (name: string) => list.filter((n) => n === name).length;
					const terminalAt = list.findIndex((n) => TERMINAL.has(n) || n === 'job.removed');
					// Nothing after the job's end, at most one end, one start, one queued (first if present).
					if (terminalAt !== -1 && terminalAt !== list.length - 1) throw new Error(`${uuid}: events after the end: ${list}`);
					if (list.filter((n) => TERMINAL.has(n) || n === 'job.removed').length > 1) throw new Error(`${uuid}: ended twice: ${list}`);
					if (count('job.started') > 1 || count('job.queued') > 1) throw new Error(`${uuid}: repeated: ${list}`);
					if (count('job.queued') === 1 && list[0] !== 'job.queued') throw new Error(`${uuid}: queued not first: ${list}`);
				}
			}),
			{ numRuns: 400 },
		);
	});

	it('alternates printer.offline and printer.online, starting with offline (unless first seen)', () => {
		fc.assert(
			fc.property(scenario, (input) => {
				const online = new Map<string, boolean>();
				for (const event of run(input, true).flat()) {
					if (event.event !== 'printer.offline' && event.event !== 'printer.online') continue;
					const uuid = event.printer!.uuid;
					const announced = event.event === 'printer.online' && event.previous === null;
					if (announced) {
						if (online.has(uuid)) throw new Error(`${uuid} announced twice`);
					} else if (event.event === 'printer.offline' && online.get(uuid) === false) {
						throw new Error(`${uuid} offline twice`);
					} else if (event.event === 'printer.online' && online.get(uuid) !== false) {
						throw new Error(`${uuid} online without being offline`);
					}
					online.set(uuid, event.event === 'printer.online');
				}
			}),
			{ numRuns: 400 },
		);
	});

	it('gives the same events across a reconnect (new cluster_id, same host_guid) as without one, at any poll', () => {
		fc.assert(
			fc.property(scenario, fc.nat(), (input, at) => {
				const reconnectAt = at % input.polls.length;
				const withoutIds = (perPoll: TriggerEvent[][]) => perPoll.map((events) => events.map((event) => ({ ...event, cluster: { ...event.cluster, cluster_id: '' } })));
				const reconnected = run(input, true, reconnectAt);
				expect(withoutIds(reconnected)).toEqual(withoutIds(run(input, true, input.polls.length)));
				// Each event names the cluster_id of its own poll.
				reconnected.forEach((events, index) => {
					for (const event of events) expect(event.cluster).toMatchObject({ cluster_id: index >= reconnectAt ? 'C2' : 'C', host_guid: 'G' });
				});
			}),
			{ numRuns: 300 },
		);
	});

	it('gives the same events whether or not the state goes through JSON between polls (restarts)', () => {
		fc.assert(
			fc.property(scenario, (input) => {
				expect(run(input, true)).toEqual(run(input, false));
			}),
			{ numRuns: 200 },
		);
	});
});
