/** The trigger's small pure helpers: parameter reading, manual-mode samples. */
import { sampleEvents, filterEvents } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { parseClusterIds, readSettings } from '../../../nodes/UltimakerDigitalFactory/trigger/parameters';
import { job, printer, seen, snapshot } from './builders';

describe('readSettings', () => {
	const base = { clusterScope: 'all', clusterIds: [], events: [], options: {} };

	it('applies the documented defaults', () => {
		expect(readSettings(base)).toEqual({
			scope: 'all',
			clusterIds: [],
			events: [],
			offlineAfterMissedPolls: 3,
			emitOnFirstPoll: false,
			includeSnapshot: false,
			progressMilestones: [],
		});
	});

	it('accepts cluster ids as a list or as one string, trimmed and de-duplicated', () => {
		expect(parseClusterIds(['a=', ' b ', 'a=', ''])).toEqual(['a=', 'b']);
		expect(parseClusterIds('a=, b\nc')).toEqual(['a=', 'b', 'c']);
		expect(parseClusterIds(undefined)).toEqual([]);
		expect(readSettings({ ...base, clusterScope: 'selected', clusterIds: 'x,y' }).clusterIds).toEqual(['x', 'y']);
	});

	it('ignores cluster ids when watching all clusters', () => {
		expect(readSettings({ ...base, clusterIds: ['x'] }).clusterIds).toEqual([]);
	});

	it('names the problem and the fix for bad values', () => {
		expect(() => readSettings({ ...base, clusterScope: 'selected' })).toThrow('No cluster selected');
		expect(() => readSettings({ ...base, events: ['job.finished', 'job.exploded'] })).toThrow('Unknown event "job.exploded"');
		expect(() => readSettings({ ...base, options: { offlineAfterMissedPolls: 0 } })).toThrow('at least 1');
		expect(() => readSettings({ ...base, options: { offlineAfterMissedPolls: 1.5 } })).toThrow('whole number');
	});

	it('reads progress milestones: whole percentages 1–99, spaces allowed, sorted and once each', () => {
		const milestones = (value: unknown) => readSettings({ ...base, options: { progressMilestones: value } }).progressMilestones;
		expect(milestones('25,50,75')).toEqual([25, 50, 75]);
		expect(milestones(' 75 , 25,50 ,25')).toEqual([25, 50, 75]);
		expect(milestones('')).toEqual([]);
		expect(milestones('   ')).toEqual([]);
		expect(milestones(undefined)).toEqual([]);
		expect(milestones(50)).toEqual([50]);
		expect(milestones('1,99')).toEqual([1, 99]);
	});

	it.each([
		['0', '"0" is not a whole percentage from 1 to 99'],
		['100', '"100" is not a whole percentage'],
		['25.5', '"25.5" is not a whole percentage'],
		['-10', '"-10" is not'],
		['25;50', '"25;50" is not'],
		['half', '"half" is not'],
		['25,,50', 'entry 2 is empty'],
		['25,50,', 'entry 3 is empty'],
		['25 %', '"25 %" is not'],
	])('refuses progress milestones %p with a message naming the entry', (value, message) => {
		let thrown: unknown;
		try {
			readSettings({ ...base, options: { progressMilestones: value } });
		} catch (error) {
			thrown = error;
		}
		expect((thrown as Error).message).toContain('"Progress Milestones" is not valid');
		expect((thrown as Error).message).toContain(message);
		expect((thrown as { description: string }).description).toContain('"25,50,75"');
	});

	it('reads the event selection and the options', () => {
		expect(
			readSettings({ ...base, events: 'job.finished, job.failed', options: { offlineAfterMissedPolls: 5, emitOnFirstPoll: true, includeSnapshot: true } }),
		).toMatchObject({ events: ['job.finished', 'job.failed'], offlineAfterMissedPolls: 5, emitOnFirstPoll: true, includeSnapshot: true });
	});
});

describe('sampleEvents (manual mode)', () => {
	const now = new Date('2026-11-25T10:00:00.000Z');
	const live = [
		seen(
			snapshot(
				[printer('P1', { status: 'printing' })],
				[
					job('J1', { status: 'printing', started: true, printer_uuid: 'P1', time_elapsed: 60 }),
					job('H1', { status: 'finished', time_elapsed: 3600, printer_uuid: 'P1', created_at: '2026-11-25T08:00:00.000Z' }),
					job('H2', { status: 'aborted', time_elapsed: 60, printer_uuid: 'P1', created_at: '2026-11-25T09:00:00.000Z' }),
				],
			),
		),
	];

	it('shows one item per kind from the live status, incl. the latest history outcome', () => {
		expect(sampleEvents(live, [], now).map((event) => `${event.event}:${event.job?.uuid ?? ''}`)).toEqual([
			'printer.online:J1',
			'job.queued:J1',
			'job.started:J1',
			'job.aborted:H2',
		]);
	});

	it('keeps the selected kinds; when none can be shown, relabels the closest real item', () => {
		expect(sampleEvents(live, ['job.aborted'], now).map((event) => event.job?.uuid)).toEqual(['H2']);
		const relabelled = sampleEvents(live, ['job.failed'], now);
		expect(relabelled).toHaveLength(1);
		expect(relabelled[0]).toMatchObject({ event: 'job.failed', job: { uuid: 'J1' } });
		expect(sampleEvents(live, ['printer.materialChanged'], now)[0]).toMatchObject({ event: 'printer.materialChanged', printer: { uuid: 'P1' } });
	});

	it('a job.progress sample names a milestone: the highest configured one reached, else the first', () => {
		// J1 is at 1.6 % (60 of 3600 s).
		expect(sampleEvents(live, ['job.progress'], now, false, [1, 25])[0]).toMatchObject({ event: 'job.progress', milestone: 1, job: { uuid: 'J1' } });
		expect(sampleEvents(live, ['job.progress'], now, false, [25, 50])[0].milestone).toBe(25);
		expect(sampleEvents(live, ['job.progress'], now)[0].milestone).toBe(50);
	});

	it('returns nothing without printers', () => {
		expect(sampleEvents([seen(snapshot([], []))], ['job.finished'], now)).toEqual([]);
	});

	it('filterEvents keeps everything when nothing is selected', () => {
		const events = sampleEvents(live, [], now);
		expect(filterEvents(events, [])).toBe(events);
		expect(filterEvents(events, ['job.started']).map((event) => event.event)).toEqual(['job.started']);
	});
});
