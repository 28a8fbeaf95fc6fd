import fc from 'fast-check';
import { ACTION_NAMES, EmulatorState, advanceCluster, applyPrintJobAction, enqueueJob, fixedClock, renderClusterStatus } from '../../../emulator';
import type { ClusterState, PrintJobState } from '../../../emulator';

const T0 = Date.UTC(2026, 0, 1);

type Step =
	| { kind: 'advance'; seconds: number }
	| { kind: 'enqueue'; total: number; petg: boolean }
	| { kind: 'action'; pick: number; action: string; position: number };

const step: fc.Arbitrary<Step> = fc.oneof(
	fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 0, max: 400 }) }),
	fc.record({ kind: fc.constant('enqueue' as const), total: fc.integer({ min: 1, max: 300 }), petg: fc.boolean() }),
	fc.record({ kind: fc.constant('action' as const), pick: fc.nat(), action: fc.constantFrom(...ACTION_NAMES), position: fc.integer({ min: 0, max: 5 }) }),
);

function newJob(n: number, total: number, petg: boolean, at: number): PrintJobState {
	return {
		uuid: `job-${n}`,
		cloud_job_id: 'j=',
		name: `job ${n}`,
		status: 'queued',
		createdAt: at,
		owner: 'u',
		machine_variant: 'Ultimaker S5',
		time_total: total,
		elapsedMs: 0,
		phaseStartedAt: at,
		force: false,
		started: false,
		printer_uuid: null,
		assigned_to: null,
		printed_on_uuid: null,
		requiredMaterials: petg ? [{ extruder_index: 0, guid: '1cbfaeb3-1906-4b26-b2e7-6f777a8c197a' }] : [],
		targetMachine: null,
		configuration_changes_required: [],
		aborted: false,
		finishedAt: null,
	};
}

function checkInvariants(cluster: ClusterState, now: number): void {
	const active = cluster.queue.filter((j) => j.status !== 'queued');
	// Every job that left the queue holds exactly one printer, and every claimed printer holds a live job.
	for (const job of active) expect(cluster.printers.filter((p) => p.activeJobUuid === job.uuid)).toHaveLength(1);
	for (const printer of cluster.printers) {
		if (printer.activeJobUuid) expect(active.some((j) => j.uuid === printer.activeJobUuid)).toBe(true);
	}
	expect(cluster.history.length).toBeLessThanOrEqual(10);
	const uuids = [...cluster.queue, ...cluster.history].map((j) => j.uuid);
	expect(new Set(uuids).size).toBe(uuids.length);
	for (const job of renderClusterStatus(cluster, now).print_jobs as Array<Record<string, any>>) {
		expect(job.time_elapsed).toBeGreaterThanOrEqual(0);
		expect(job.time_elapsed).toBeLessThanOrEqual(job.time_total);
		if (job.status === 'finished') expect(job.time_elapsed).toBe(job.time_total);
		if (job.status === 'aborted') expect(job.time_elapsed).toBeLessThanOrEqual(job.time_total);
	}
	for (const job of cluster.history) expect(['finished', 'aborted', 'failed']).toContain(job.status);
}

describe('simulation properties (random sequences of prints, actions and clock steps)', () => {
	test('invariants hold after every step, and replaying the clock in one jump gives the same state', () => {
		fc.assert(
			fc.property(fc.array(step, { maxLength: 40 }), fc.integer({ min: 1, max: 2 }), (steps, printers) => {
				let cluster = new EmulatorState(fixedClock(T0), 'prop').addCluster({ printers: Array.from({ length: printers }, () => ({ type: 'ultimaker_s5' })) });
				let now = T0;
				let n = 0;
				for (const s of steps) {
					if (s.kind === 'advance') {
						const before = cluster;
						now += s.seconds * 1000;
						cluster = advanceCluster(cluster, now);
						// Splitting the same interval in two changes nothing.
						const half = advanceCluster(advanceCluster(before, now - (s.seconds * 1000) / 2), now);
						expect(renderClusterStatus(half, now)).toEqual(renderClusterStatus(cluster, now));
					} else if (s.kind === 'enqueue') {
						cluster = enqueueJob(cluster, newJob(n++, s.total, s.petg, now), now);
					} else {
						const candidates = [...cluster.queue, ...cluster.history];
						if (candidates.length === 0) continue;
						const target = candidates[s.pick % candidates.length]!;
						const result = applyPrintJobAction(cluster, target.uuid, s.action, { list: 'queued', to_position: s.position }, now);
						if (result.ok) cluster = result.cluster;
						else expect([404, 409, 422]).toContain(result.error.httpStatus);
					}
					checkInvariants(cluster, now);
				}
			}),
			{ numRuns: 300 },
		);
	});
});
