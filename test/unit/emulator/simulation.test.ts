import {
	ARCHIVE_LIMIT,
	DEFAULT_TIMINGS,
	EmulatorState,
	advanceCluster,
	applyPrintJobAction,
	clearBuildPlate,
	enqueueJob,
	fixedClock,
	forceJobStatus,
	renderClusterStatus,
} from '../../../emulator';
import type { ClusterState, PrintJobState } from '../../../emulator';

const T0 = Date.UTC(2026, 0, 1);
const s = (seconds: number) => T0 + seconds * 1000;

function makeCluster(printers = 1, materials = ['PLA', 'PVA']): ClusterState {
	const state = new EmulatorState(fixedClock(T0), 'unit');
	return state.addCluster({ printers: Array.from({ length: printers }, () => ({ type: 'ultimaker_s5', materials })) });
}

let counter = 0;
function job(overrides: Partial<PrintJobState> = {}): PrintJobState {
	counter++;
	return {
		uuid: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
		cloud_job_id: 'job=',
		name: `job ${counter}`,
		status: 'queued',
		createdAt: T0,
		owner: 'u',
		machine_variant: 'Ultimaker S5',
		time_total: 100,
		elapsedMs: 0,
		phaseStartedAt: T0,
		force: false,
		started: false,
		printer_uuid: null,
		assigned_to: null,
		printed_on_uuid: null,
		requiredMaterials: [],
		targetMachine: null,
		configuration_changes_required: [],
		aborted: false,
		finishedAt: null,
		...overrides,
	};
}

const statusOf = (c: ClusterState, uuid: string, at: number) =>
	(renderClusterStatus(c, at).print_jobs as Array<Record<string, any>>).find((j) => j.uuid === uuid);

describe('pure printer simulation', () => {
	test('advanceCluster does not mutate its input', () => {
		const c0 = enqueueJob(makeCluster(), job(), T0);
		const snapshot = JSON.stringify(c0);
		advanceCluster(c0, s(10_000));
		expect(JSON.stringify(c0)).toBe(snapshot);
	});

	test('one big step equals many small steps', () => {
		const base = enqueueJob(enqueueJob(makeCluster(), job({ time_total: 70 }), T0), job({ time_total: 333 }), T0);
		let stepped = base;
		for (let t = 1; t <= 900; t++) stepped = advanceCluster(stepped, s(t));
		const jumped = advanceCluster(base, s(900));
		expect(renderClusterStatus(jumped, s(900))).toEqual(renderClusterStatus(stepped, s(900)));
	});

	test('the lifecycle boundaries are exact', () => {
		const j = job({ time_total: 100 });
		const c0 = enqueueJob(makeCluster(), j, T0);
		const at = (t: number) => statusOf(advanceCluster(c0, s(t)), j.uuid, s(t))!;
		expect(at(0).status).toBe('pre_print');
		expect(at(29.999).status).toBe('pre_print');
		expect(at(30).status).toBe('printing');
		expect(at(80).time_elapsed).toBe(50);
		expect(at(129.999).status).toBe('printing');
		expect(at(130).status).toBe('post_print');
		expect(at(140).status).toBe('wait_cleanup');
		expect(at(259.999).status).toBe('wait_cleanup');
		expect(at(260)).toEqual(expect.objectContaining({ status: 'finished', time_elapsed: 100 }));
	});

	test('two printers in a cluster print two jobs at once; the third waits', () => {
		const [a, b, c] = [job(), job(), job()];
		let cluster = makeCluster(2);
		for (const j of [a, b, c]) cluster = enqueueJob(cluster, j, T0);
		const now = advanceCluster(cluster, s(31));
		expect(statusOf(now, a.uuid, s(31))!.status).toBe('printing');
		expect(statusOf(now, b.uuid, s(31))!.status).toBe('printing');
		expect(statusOf(now, c.uuid, s(31))!.status).toBe('queued');
		expect(new Set(now.printers.map((p) => p.activeJobUuid))).toEqual(new Set([a.uuid, b.uuid]));
	});

	test('offline freezes jobs; back online they continue where they were', () => {
		const j = job({ time_total: 100 });
		let c = advanceCluster(enqueueJob(makeCluster(), j, T0), s(40));
		c = advanceCluster({ ...c, is_online: false }, s(5000));
		expect(statusOf(c, j.uuid, s(5000))).toEqual(expect.objectContaining({ status: 'printing', time_elapsed: 10 }));
		c = advanceCluster({ ...c, is_online: true }, s(5020));
		expect(statusOf(c, j.uuid, s(5020))!.time_elapsed).toBe(30);
	});

	test('material mismatch: queued with a change list; a later job with a matching material prints first', () => {
		const needsPetg = job({ requiredMaterials: [{ extruder_index: 0, guid: '1cbfaeb3-1906-4b26-b2e7-6f777a8c197a' }] });
		const plain = job();
		let c = enqueueJob(makeCluster(), needsPetg, T0);
		c = enqueueJob(c, plain, T0);
		expect(c.queue.find((q) => q.uuid === needsPetg.uuid)!.configuration_changes_required).toEqual([
			expect.objectContaining({ type_of_change: 'material', index: 0, target_name: 'Generic PETG', origin_name: 'Generic PLA' }),
		]);
		expect(c.queue.find((q) => q.uuid === plain.uuid)!.status).toBe('pre_print');
		const forced = applyPrintJobAction(c, needsPetg.uuid, 'force', undefined, T0);
		expect(forced.ok).toBe(true);
	});

	test('actions return errors instead of throwing, and leave the input untouched', () => {
		const j = job();
		const c = enqueueJob(makeCluster(), j, T0);
		const before = JSON.stringify(c);
		const paused = applyPrintJobAction(c, j.uuid, 'pause', undefined, T0);
		expect(paused).toEqual({ ok: false, error: expect.objectContaining({ httpStatus: 409, code: 'invalidPrintJobState' }) });
		expect(applyPrintJobAction(c, 'missing', 'pause', undefined, T0)).toEqual({ ok: false, error: expect.objectContaining({ httpStatus: 404 }) });
		expect(applyPrintJobAction(c, j.uuid, 'dance', undefined, T0)).toEqual({ ok: false, error: expect.objectContaining({ httpStatus: 422 }) });
		expect(JSON.stringify(c)).toBe(before);
	});

	test('pause keeps elapsed; abort ends as aborted with elapsed < total', () => {
		const j = job({ time_total: 1000 });
		let c = advanceCluster(enqueueJob(makeCluster(), j, T0), s(130));
		let r = applyPrintJobAction(c, j.uuid, 'pause', undefined, s(130));
		if (!r.ok) throw new Error(r.error.detail);
		c = advanceCluster(r.cluster, s(500));
		expect(statusOf(c, j.uuid, s(500))).toEqual(expect.objectContaining({ status: 'paused', time_elapsed: 100 }));
		r = applyPrintJobAction(c, j.uuid, 'abort', undefined, s(500));
		if (!r.ok) throw new Error(r.error.detail);
		c = advanceCluster(r.cluster, s(505));
		expect(statusOf(c, j.uuid, s(505))!.status).toBe('wait_cleanup');
		const cleared = clearBuildPlate(c, c.printers[0]!.uuid, s(506));
		if (!cleared.ok) throw new Error(cleared.error.detail);
		expect(statusOf(cleared.cluster, j.uuid, s(506))).toEqual(expect.objectContaining({ status: 'aborted', time_elapsed: 100, time_total: 1000 }));
		expect(clearBuildPlate(cleared.cluster, cleared.cluster.printers[0]!.uuid, s(507)).ok).toBe(false);
	});

	test('history is capped at historyLimit, newest first', () => {
		let c = makeCluster();
		const ids: string[] = [];
		for (let i = 0; i < 15; i++) {
			const j = job({ time_total: 1 });
			ids.push(j.uuid);
			c = enqueueJob(c, j, T0);
		}
		c = advanceCluster(c, s(15 * (30 + 1 + 10 + 120) + 1));
		expect(c.history.map((j) => j.uuid)).toEqual(ids.slice(5).reverse());
		expect(c.history).toHaveLength(DEFAULT_TIMINGS.historyLimit);
		expect(c.archive.map((j) => j.uuid)).toEqual(ids.slice(0, 5).reverse());
	});

	test('the archive beyond the history keeps the newest ARCHIVE_LIMIT jobs', () => {
		let c = makeCluster();
		c = { ...c, archive: Array.from({ length: ARCHIVE_LIMIT }, () => job({ status: 'finished', finishedAt: T0 })) };
		const oldest = c.archive[ARCHIVE_LIMIT - 1]!.uuid;
		const ids: string[] = [];
		for (let i = 0; i < DEFAULT_TIMINGS.historyLimit + 2; i++) {
			const j = job({ time_total: 1 });
			ids.push(j.uuid);
			c = enqueueJob(c, j, T0);
		}
		const input = c;
		const inputArchive = JSON.stringify(input.archive);
		c = advanceCluster(input, s(12 * (30 + 1 + 10 + 120) + 1));
		// The copy shares archived jobs with its input, never the list: the input is unchanged.
		expect(JSON.stringify(input.archive)).toBe(inputArchive);
		expect(c.archive).toHaveLength(ARCHIVE_LIMIT);
		expect(c.archive.slice(0, 2).map((j) => j.uuid)).toEqual(ids.slice(0, 2).reverse());
		expect(c.archive.some((j) => j.uuid === oldest)).toBe(false);
	});

	test('forceJobStatus: failed frees the printer; wait_user_action stops the clock for the job', () => {
		const j = job({ time_total: 1000 });
		const c = advanceCluster(enqueueJob(makeCluster(), j, T0), s(60));
		const waiting = forceJobStatus(c, j.uuid, 'wait_user_action', s(60));
		if (!waiting.ok) throw new Error();
		expect(statusOf(advanceCluster(waiting.cluster, s(9999)), j.uuid, s(9999))).toEqual(expect.objectContaining({ status: 'wait_user_action', time_elapsed: 30 }));
		const failed = forceJobStatus(c, j.uuid, 'failed', s(60));
		if (!failed.ok) throw new Error();
		expect(failed.cluster.printers[0]!.activeJobUuid).toBeNull();
		expect(failed.cluster.history[0]!.status).toBe('failed');
	});
});
