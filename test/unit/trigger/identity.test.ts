/**
 * Printer identity across Digital Factory's renames (DESIGN §13): a cluster reconnected under a new cluster_id is
 * followed by its host_guid, a printer factory-reset to a new uuid by its unique_name — and state saved before
 * either was kept is still read.
 */
import type { TriggerState } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { diffSnapshots } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { job, names, OPTIONS, printer, runPolls, seen, snapshot, unreachable } from './builders';

const T = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute)).toISOString();
const printing = (uuid: string, elapsed: number) =>
	job(uuid, { status: 'printing', started: true, time_elapsed: elapsed, time_total: 3600, printer_uuid: 'P1', created_at: T(0) });
const finished = (uuid: string) => job(uuid, { status: 'wait_cleanup', started: true, time_elapsed: 3600, time_total: 3600, printer_uuid: 'P1', created_at: T(0) });
const at = (clusterId: string, hostGuid: string | undefined, status: ReturnType<typeof snapshot>) =>
	seen(status, { cluster_id: clusterId, ...(hostGuid === undefined ? {} : { host_guid: hostGuid }) });

describe('a cluster reconnected under a new cluster_id (same host_guid)', () => {
	it('emits nothing for the reconnect itself', () => {
		const status = snapshot([printer('P1', { status: 'printing' })], [printing('J1', 600), job('J2')]);
		const { perPoll, state } = runPolls([[at('old', 'G', status)], [at('new', 'G', status)], [at('new', 'G', status)]]);
		expect(perPoll.flat()).toEqual([]);
		expect(Object.keys(state!.c)).toEqual(['new']);
		expect(state!.c.new.hg).toBe('G');
		// The old id is remembered, so a trigger whose selection still names it finds the cluster.
		expect(state!.c.new.a).toEqual(['old']);
	});

	it('emits the transitions that happened across it once, naming the new id and the host', () => {
		const { perPoll } = runPolls([
			[at('old', 'G', snapshot([printer('P1', { status: 'printing' })], [printing('J1', 600)], T(0)))],
			[at('new', 'G', snapshot([printer('P1', { status: 'wait_cleanup' })], [finished('J1')], T(1)))],
		]);
		expect(names(perPoll[1])).toEqual(['job.finished:J1', 'printer.statusChanged:P1']);
		expect(perPoll[1].map((event) => event.cluster)).toEqual([
			{ cluster_id: 'new', friendly_name: 'Lab A', host_guid: 'G' },
			{ cluster_id: 'new', friendly_name: 'Lab A', host_guid: 'G' },
		]);
	});

	it('keeps counting missed polls across it (no offline/online pair, no lost offline)', () => {
		const status = snapshot([printer('P1')], []);
		const { perPoll } = runPolls([
			[at('old', 'G', status)],
			[{ ...unreachable('old'), host_guid: 'G' }],
			[{ ...unreachable('new'), host_guid: 'G' }],
			[{ ...unreachable('new'), host_guid: 'G' }],
			[at('new', 'G', status)],
		]);
		expect(perPoll.map(names)).toEqual([[], [], [], ['printer.offline:P1'], ['printer.online:P1']]);
	});

	it('prefers the cluster remembered under the observed id, and follows a host only to an unclaimed one', () => {
		const status = snapshot([printer('P1')], [job('J1')]);
		const { perPoll, state } = runPolls([
			[at('old', 'G', status)],
			// The old registration is still listed beside the new one: each keeps its own memory.
			[at('old', 'G', status), at('new', 'G', snapshot([printer('P1')], [job('J1'), job('J2')]))],
		]);
		expect(perPoll[1]).toEqual([]);
		expect(Object.keys(state!.c).sort()).toEqual(['new', 'old']);
	});

	it('does not match clusters that carry different host_guids', () => {
		const { perPoll } = runPolls([[at('old', 'G', snapshot([printer('P1')], [job('J1')]))], [at('new', 'H', snapshot([printer('P1')], [job('J1'), job('J2')]))]], {
			...OPTIONS,
			emitOnFirstPoll: true,
		});
		// 'new' is a cluster never seen: announced as a first look, not diffed against 'old'.
		expect(names(perPoll[1])).toEqual(['printer.online:P1', 'job.queued:J1', 'job.queued:J2']);
	});
});

describe('a printer factory-reset to a new uuid', () => {
	const reset = (overrides = {}) => printer('P1-new', { unique_name: 'ultimakersystem-P1', ...overrides });

	it('is reported once as printer.statusChanged with previous.uuid, not as a removed and a new printer', () => {
		const { perPoll, state } = runPolls([
			[at('old', 'G', snapshot([printer('P1', { unique_name: 'ultimakersystem-P1' })], []))],
			[at('new', 'G', snapshot([reset()], []))],
			[at('new', 'G', snapshot([reset()], []))],
		]);
		expect(perPoll.map(names)).toEqual([[], ['printer.statusChanged:P1-new'], []]);
		expect(perPoll[1][0]).toMatchObject({ printer: { uuid: 'P1-new', status: 'idle' }, previous: { status: 'idle', uuid: 'P1' } });
		expect(Object.keys(state!.c.new.p)).toEqual(['P1-new']);
	});

	it('carries a status change in the same one event, and keeps the extruders it had', () => {
		const { perPoll } = runPolls([
			[seen(snapshot([printer('P1', { unique_name: 'ultimakersystem-P1', status: 'printing' })], []))],
			[seen(snapshot([reset({ configuration: [{ extruder_index: 0, print_core_id: 'AA 0.8', material: null }, { extruder_index: 1, print_core_id: 'BB 0.4', material: null }] })], []))],
		]);
		expect(names(perPoll[1])).toEqual(['printer.statusChanged:P1-new', 'printer.printCoreChanged:P1-new', 'printer.materialChanged:P1-new']);
		expect(perPoll[1][0].previous).toEqual({ status: 'printing', uuid: 'P1' });
	});

	it('is not confused with a different printer replacing one (another unique_name)', () => {
		const { perPoll, state } = runPolls([
			[seen(snapshot([printer('P1', { unique_name: 'ultimakersystem-P1' })], []))],
			[seen(snapshot([printer('P9', { unique_name: 'ultimakersystem-P9' })], []))],
		]);
		expect(perPoll[1]).toEqual([]);
		expect(Object.keys(state!.c['cluster-A'].p)).toEqual(['P9']);
	});

	it('pairs by unique_name in a group where several printers come and go', () => {
		const before = [printer('A', { unique_name: 'u-A' }), printer('B', { unique_name: 'u-B' }), printer('C', { unique_name: 'u-C' })];
		const after = [printer('A', { unique_name: 'u-A' }), printer('B2', { unique_name: 'u-B' }), printer('D', { unique_name: 'u-D' })];
		const { perPoll } = runPolls([[seen(snapshot(before, []))], [seen(snapshot(after, []))]]);
		expect(names(perPoll[1])).toEqual(['printer.statusChanged:B2']);
		expect(perPoll[1][0].previous).toEqual({ status: 'idle', uuid: 'B' });
	});
});

/**
 * The static data of a trigger as this package saved it before clusters were followed by host (c68890f and
 * earlier): `v: 1`, clusters keyed by cluster_id without `hg`, printers without `u`. Written out by hand with the
 * keys memory.ts wrote then.
 */
function stateSavedBeforeHosts(): TriggerState {
	return JSON.parse(
		JSON.stringify({
			v: 1,
			c: {
				old: {
					n: 'Lab A',
					g: T(0),
					p: {
						P1: {
							n: 'Printer P1',
							v: 'Ultimaker S5',
							s: 'printing',
							x: [
								[0, 'AA 0.4', ['506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9', 'Ultimaker', 'Blue', 'PLA']],
								[1, 'BB 0.4', null],
							],
						},
					},
					j: { J1: { s: 'printing', n: 'J1.gcode', c: 'cloud-J1', o: 'jdoe', p: 'P1', e: 600, t: 3600, st: 1 } },
					d: [],
				},
			},
		}),
	) as TriggerState;
}

describe('state saved before this change', () => {
	it('is read as before: the next poll of the same cluster_id continues it (no baseline, no burst)', () => {
		const { perPoll, state } = runPolls(
			[[at('old', 'G', snapshot([printer('P1', { status: 'wait_cleanup' })], [finished('J1')], T(1)))]],
			OPTIONS,
			stateSavedBeforeHosts(),
		);
		expect(names(perPoll[0])).toEqual(['job.finished:J1', 'printer.statusChanged:P1']);
		// From now on the host and the printer's unique name are kept.
		expect(state!.c.old.hg).toBe('G');
		expect(state!.c.old.p.P1.u).toBe('ultimakersystem-P1');
	});

	it('is followed to a new cluster_id from the first poll that records the host_guid on', () => {
		const status = snapshot([printer('P1', { status: 'printing' })], [printing('J1', 900)], T(1));
		const { perPoll } = runPolls(
			[[at('old', 'G', status)], [at('new', 'G', snapshot([printer('P1', { status: 'wait_cleanup' })], [finished('J1')], T(2)))]],
			OPTIONS,
			stateSavedBeforeHosts(),
		);
		expect(perPoll.map(names)).toEqual([[], ['job.finished:J1', 'printer.statusChanged:P1']]);
	});

	it('pairs a factory-reset printer one for one when the saved state has no unique name for it', () => {
		const { perPoll } = runPolls(
			[[at('old', 'G', snapshot([printer('P1-new', { status: 'printing' })], [printing('J1', 900)], T(1)))]],
			OPTIONS,
			stateSavedBeforeHosts(),
		);
		expect(names(perPoll[0])).toEqual(['printer.statusChanged:P1-new']);
		expect(perPoll[0][0].previous).toEqual({ status: 'printing', uuid: 'P1' });
	});

	it('is accepted by the state check and left as it was when nothing changed', () => {
		const saved = stateSavedBeforeHosts();
		const result = diffSnapshots(saved, [{ cluster_id: 'old', unreachable: true }], OPTIONS, new Date(T(1)));
		expect(result.events).toEqual([]);
		expect(result.state.c.old.hg).toBeUndefined();
		expect(result.state.c.old.p.P1).toEqual({ ...saved.c.old.p.P1, m: 1 });
	});
});
