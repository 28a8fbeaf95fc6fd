/**
 * The diff over snapshot sequences recorded from the emulator (test/fixtures/snapshots, made by record.ts):
 * real field names, real orderings, real timestamps. Expected events are written out by hand per poll.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffSnapshots, terminalKey } from '../../../nodes/UltimakerDigitalFactory/core/events';
import type { DiffOptions, TriggerEvent, TriggerState } from '../../../nodes/UltimakerDigitalFactory/core/events';
import type { RecordedScenario } from '../../fixtures/snapshots/record';

function load(name: string): RecordedScenario {
	return JSON.parse(readFileSync(join(__dirname, '../../fixtures/snapshots', `${name}.json`), 'utf8')) as RecordedScenario;
}

/** Replays a recording; the state goes through JSON between polls, as in n8n's static data. */
function replay(name: string, options: DiffOptions = { offlineAfterMissedPolls: 3 }) {
	const recorded = load(name);
	let state: TriggerState | undefined;
	const perPoll: TriggerEvent[][] = [];
	let maxStateBytes = 0;
	recorded.polls.forEach((poll, index) => {
		const result = diffSnapshots(state, poll.observations, options, new Date(Date.UTC(2026, 10, 25, 12, index)));
		const json = JSON.stringify(result.state);
		maxStateBytes = Math.max(maxStateBytes, json.length);
		state = JSON.parse(json) as TriggerState;
		perPoll.push(result.events);
	});
	return { recorded, perPoll, state: state!, maxStateBytes };
}

/** 'job.started bracket.gcode' / 'printer.statusChanged S5 Alpha idle→pre_print' */
function describe_(event: TriggerEvent): string {
	if (event.event.startsWith('job.')) return `${event.event} ${event.job?.name}`;
	if (event.event === 'printer.statusChanged') return `${event.event} ${event.printer?.friendly_name} ${event.previous?.status}→${event.printer?.status}`;
	return `${event.event} ${event.printer?.friendly_name}`;
}

const described = (perPoll: TriggerEvent[][]) => perPoll.map((events) => events.map(describe_));

describe('recorded emulator sequences', () => {
	it('lifecycle: queued+started, printer statuses, paused, resumed, finished', () => {
		const { perPoll, recorded } = replay('lifecycle');
		expect(described(perPoll)).toEqual([
			[],
			['job.queued bracket.gcode', 'job.started bracket.gcode', 'printer.statusChanged S5 Alpha idle→pre_print'],
			['printer.statusChanged S5 Alpha pre_print→printing'],
			[],
			['job.paused bracket.gcode'],
			['job.resumed bracket.gcode'],
			['job.finished bracket.gcode', 'printer.statusChanged S5 Alpha printing→wait_cleanup'],
			['printer.statusChanged S5 Alpha wait_cleanup→idle'],
		]);
		const finished = perPoll[6][0];
		const cluster = recorded.polls[6].observations[0];
		const job = cluster.status!.print_jobs![0];
		const printer = cluster.status!.printers![0];
		expect(finished).toEqual({
			event: 'job.finished',
			detectedAt: '2026-11-25T12:06:00.000Z',
			cluster: { cluster_id: cluster.cluster_id, friendly_name: 'Lab S5', host_guid: null },
			printer: { uuid: printer.uuid, friendly_name: 'S5 Alpha', status: 'wait_cleanup', machine_variant: 'Ultimaker S5' },
			job: {
				uuid: job.uuid,
				cloud_job_id: job.cloud_job_id,
				name: 'bracket.gcode',
				reference: null,
				status: 'wait_cleanup',
				owner: 'emulator-user',
				progress: 100,
				time_elapsed: 600,
				time_total: 600,
				time_remaining: 0,
				estimated_finish_at: null,
			},
			previous: { status: 'printing' },
		});
		// While printing, the finish estimate is the snapshot time plus the remaining print time.
		const resumed = perPoll[5][0];
		const generated = Date.parse(recorded.polls[5].observations[0].status!.generated_time!);
		expect(resumed.job!.estimated_finish_at).toBe(new Date(generated + resumed.job!.time_remaining! * 1000).toISOString());
		expect(resumed.job!.progress).toBeGreaterThan(0);
	});

	it('abort: aborted from wait_cleanup with elapsed < total, no second event when it lands in history', () => {
		const { perPoll } = replay('abort');
		expect(described(perPoll)).toEqual([
			[],
			['job.queued cover.gcode', 'job.started cover.gcode', 'printer.statusChanged S5 Alpha idle→printing'],
			['job.aborted cover.gcode', 'printer.statusChanged S5 Alpha printing→wait_cleanup'],
			['printer.statusChanged S5 Alpha wait_cleanup→idle'],
		]);
		expect(perPoll[2][0].job!.time_elapsed!).toBeLessThan(perPoll[2][0].job!.time_total!);
	});

	it('queue: three queued, move to top is silent, removed, then finished before the next start', () => {
		const { perPoll } = replay('queue');
		expect(described(perPoll)).toEqual([
			[],
			['job.queued B.gcode', 'job.queued C.gcode', 'job.queued D.gcode'],
			[],
			['job.removed C.gcode'],
			['job.finished A.gcode', 'job.started D.gcode'],
		]);
		expect(perPoll[3][0].previous).toEqual({ status: 'queued' });
	});

	it('connectivity: offline after 3 missed polls (cluster offline or API outage), online once, no flapping', () => {
		const { perPoll } = replay('connectivity');
		expect(described(perPoll)).toEqual([
			[],
			[],
			[],
			['printer.offline S5 Alpha'],
			[],
			['printer.online S5 Alpha'],
			[],
			[],
			['printer.offline S5 Alpha'],
			['printer.online S5 Alpha'],
			...Array.from({ length: 9 }, () => []),
		]);
		expect(perPoll[3][0].printer!.status).toBe('unreachable');
	});

	it('connectivity with offlineAfterMissedPolls = 1 reports every flap', () => {
		const { perPoll } = replay('connectivity', { offlineAfterMissedPolls: 1 });
		const flat = perPoll.flat().map((event) => event.event);
		expect(flat).toEqual([
			'printer.offline',
			'printer.online',
			'printer.offline',
			'printer.online',
			...Array.from({ length: 3 }, () => ['printer.offline', 'printer.online']).flat(),
		]);
	});

	it('printer configuration: material, print core, maintenance, status', () => {
		const { perPoll } = replay('printerConfig');
		expect(described(perPoll)).toEqual([
			[],
			['printer.materialChanged S5 Alpha'],
			['printer.printCoreChanged S5 Alpha'],
			['printer.maintenanceRequired S5 Alpha'],
			['printer.statusChanged S5 Alpha idle→maintenance'],
			['printer.statusChanged S5 Alpha maintenance→idle'],
			[],
		]);
		expect(perPoll[1][0].previous).toEqual({
			extruder_index: 0,
			material: { guid: '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9', brand: 'Generic', color: 'Generic', material: 'PLA' },
		});
		expect(perPoll[1][0].extruder).toEqual({
			extruder_index: 0,
			print_core_id: 'AA 0.4',
			material: { guid: '60636bb4-518f-42e7-8237-fe77b194ebe0', brand: 'Generic', color: 'Generic', material: 'ABS' },
		});
		expect(perPoll[2][0].previous).toEqual({ extruder_index: 1, print_core_id: 'BB 0.4' });
		expect(perPoll[2][0].extruder?.print_core_id).toBe('AA 0.8');
	});

	it('multi-transition: a job never seen yields queued, started, finished; a pre_print job jumps to finished', () => {
		const { perPoll } = replay('multiTransition');
		expect(described(perPoll)).toEqual([
			[],
			['job.queued quick.gcode', 'job.started quick.gcode', 'job.finished quick.gcode'],
			['job.queued second.gcode', 'job.started second.gcode', 'printer.statusChanged S5 Alpha idle→pre_print'],
			['job.finished second.gcode', 'printer.statusChanged S5 Alpha pre_print→wait_cleanup'],
		]);
	});

	it('waiting for the operator, then failed', () => {
		const { perPoll } = replay('userActionAndFailure');
		expect(described(perPoll)).toEqual([
			[],
			['job.queued tricky.gcode', 'job.started tricky.gcode', 'printer.statusChanged S5 Alpha idle→printing'],
			['job.waitingForUser tricky.gcode', 'printer.statusChanged S5 Alpha printing→wait_user_action'],
			['printer.statusChanged S5 Alpha wait_user_action→printing'],
			['job.failed tricky.gcode', 'printer.statusChanged S5 Alpha printing→idle'],
		]);
	});

	it('clusters: a new cluster is baselined silently, a removed one dropped without events', () => {
		const { perPoll, recorded, state } = replay('clusters');
		expect(described(perPoll)).toEqual([[], [], [], ['printer.statusChanged S5 Beta pre_print→printing']]);
		const remaining = recorded.polls[3].observations.map((observation) => observation.cluster_id);
		expect(Object.keys(state.c)).toEqual(remaining);
	});

	it('history churn: every print reported exactly once, no removals, state stays small', () => {
		const { perPoll, state, maxStateBytes, recorded } = replay('historyChurn');
		const jobEvents = perPoll.flat().filter((event) => event.event.startsWith('job.'));
		const byName = new Map<string, string[]>();
		for (const event of jobEvents) byName.set(event.job!.name!, [...(byName.get(event.job!.name!) ?? []), event.event]);
		expect(byName.size).toBe(12);
		for (const sequence of byName.values()) expect(sequence).toEqual(['job.queued', 'job.started', 'job.finished']);
		// The emulator keeps 10 jobs of history; the state remembers exactly those.
		const last = recorded.polls.at(-1)!.observations[0].status!.print_jobs!;
		expect(last).toHaveLength(10);
		expect([...state.c[recorded.polls[0].observations[0].cluster_id].d].sort()).toEqual(last.map((job) => terminalKey(job.uuid)).sort());
		expect(maxStateBytes).toBeLessThan(2000);
	});

	it('farm attribution: jobs pre-assigned by printer uuid carry their printer; disabling and enabling a printer; a cluster named by its host', () => {
		const { perPoll, recorded } = replay('farmAttribution');
		const withPrinter = (events: TriggerEvent[]) => events.map((event) => `${describe_(event)} @${event.printer?.friendly_name ?? 'none'}`);
		expect(perPoll.map(withPrinter)).toEqual([
			[],
			[
				'job.queued plain-a.gcode @S5 Left',
				'job.started plain-a.gcode @S5 Left',
				'job.queued plain-b.gcode @S5 Left',
				'printer.statusChanged S5 Left idle→pre_print @S5 Left',
			],
			['job.queued tough.gcode @S5 Right', 'printer.statusChanged S5 Left pre_print→printing @S5 Left'],
			['printer.statusChanged S5 Right idle→disabled @S5 Right'],
			[],
			['job.started tough.gcode @S5 Right', 'printer.statusChanged S5 Right disabled→printing @S5 Right'],
			[
				'job.started plain-b.gcode @S5 Left',
				'job.finished tough.gcode @S5 Right',
				'job.finished plain-a.gcode @S5 Left',
				'printer.statusChanged S5 Left printing→pre_print @S5 Left',
				'printer.statusChanged S5 Right printing→wait_cleanup @S5 Right',
			],
		]);
		const hostName = recorded.polls[0].observations[0].friendly_name;
		expect(hostName).toMatch(/^ultimakersystem-/);
		expect(perPoll.flat().every((event) => event.cluster.friendly_name === hostName)).toBe(true);
		const statusChanged = perPoll[2].find((event) => event.event === 'printer.statusChanged');
		expect(statusChanged?.job?.name).toBe('plain-a.gcode');
	});
});
