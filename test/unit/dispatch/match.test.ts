/** Find printer: who is eligible, why the others are not (in plain words), and how candidates rank. */
import {
	bestCandidates,
	describeRejections,
	findPrinter,
} from '../../../nodes/UltimakerDigitalFactory/core/farm';
import type { JobRequirements } from '../../../nodes/UltimakerDigitalFactory/core/farm';
import { GUID } from '../../fixtures/toolpaths';
import { cluster, job, MATERIALS, PLA_JOB, printer } from './builders';

const reasonsOf = (requirements: JobRequirements, ...printers: ReturnType<typeof printer>[]) =>
	findPrinter([cluster('Farm', printers)], requirements).rejected.map((rejected) => rejected.reasons);

describe('Find printer: eligibility', () => {
	it('outputs chosen, candidates and rejected with the contract’s fields', () => {
		const fits = printer({ friendly_name: 'Lab S5 #1' });
		const match = findPrinter([cluster('Lab', [fits])], PLA_JOB);
		expect(match).toEqual({
			chosen: {
				cluster_id: 'id-Lab',
				cluster_name: 'Lab',
				printer_uuid: fits.uuid,
				printer_name: 'Lab S5 #1',
				machine_variant: 'Ultimaker S5',
				status: 'idle',
				queue_length: 0,
				seconds_until_free: 0,
				score: 100,
			},
			candidates: [match.chosen],
			rejected: [],
		});
	});

	it('rejects a wrong material with the names of both', () => {
		const job: JobRequirements = {
			...PLA_JOB,
			extruders: [{ index: 0, material_guid: GUID.ultimakerToughPlaBlack, print_core: 'AA 0.4' }],
		};
		expect(reasonsOf(job, printer())).toEqual([
			['loads Generic PLA in extruder 1, the job needs Ultimaker Tough PLA Black'],
		]);
	});

	it('names a loaded material the database does not know by the printer’s own fields', () => {
		const odd = { guid: GUID.unknown, brand: 'Acme', material: 'PLA+', color: 'Red' };
		expect(reasonsOf(PLA_JOB, printer({ loads: [odd] }))).toEqual([
			['loads Acme PLA+ Red in extruder 1, the job needs Generic PLA'],
		]);
	});

	it('rejects an empty extruder and a missing extruder', () => {
		const twoExtruders: JobRequirements = {
			...PLA_JOB,
			extruders: [...PLA_JOB.extruders, { index: 1, material_guid: GUID.genericPva, print_core: 'BB 0.4' }],
		};
		expect(reasonsOf(twoExtruders, printer({ loads: [MATERIALS.genericPla, MATERIALS.empty] }))).toEqual([
			['has no material loaded in extruder 2, the job needs Generic PVA'],
		]);
		expect(reasonsOf(twoExtruders, printer({ cores: ['AA 0.4'], loads: [MATERIALS.genericPla] }))).toEqual([
			['has no extruder 2, the job uses it'],
		]);
	});

	it('rejects a wrong print core when the job names one', () => {
		expect(reasonsOf(PLA_JOB, printer({ cores: ['AA 0.8', 'BB 0.4'] }))).toEqual([
			['has an AA 0.8 print core in extruder 1, the job needs AA 0.4'],
		]);
	});

	it('with no core named, accepts any core the material database marks compatible, and rejects others', () => {
		const anyCore: JobRequirements = {
			...PLA_JOB,
			extruders: [{ index: 0, material_guid: GUID.genericPla, print_core: null }],
		};
		const cc = printer({ cores: ['CC 0.6', 'BB 0.4'] });
		const bb = printer({ cores: ['BB 0.4', 'BB 0.4'] });
		const match = findPrinter([cluster('Farm', [cc, bb])], anyCore);
		expect(match.candidates.map((candidate) => candidate.printer_uuid)).toEqual([cc.uuid]);
		expect(match.rejected[0]!.reasons).toEqual([
			'has a BB 0.4 print core in extruder 1, which the material database does not list for Generic PLA on an Ultimaker S5',
		]);
	});

	it('with no core named and a material the database does not know, asks for the core', () => {
		const unknown: JobRequirements = {
			...PLA_JOB,
			extruders: [{ index: 0, material_guid: GUID.unknown, print_core: null }],
		};
		const loadsIt = printer({ loads: [{ guid: GUID.unknown, material: 'PLA' }] });
		expect(reasonsOf(unknown, loadsIt)).toEqual([
			[
				expect.stringContaining(
					'the material database has nothing on material 00000000-1111-4222-8333-444444444444 on an Ultimaker S5, so name the print core',
				),
			],
		]);
	});

	it('rejects another machine variant', () => {
		expect(reasonsOf(PLA_JOB, printer({ machine_variant: 'Ultimaker S3' }))).toEqual([
			['is an Ultimaker S3, the job is for an Ultimaker S5'],
		]);
		expect(
			findPrinter([cluster('Farm', [printer({ machine_variant: 'UltiMaker S5' })])], PLA_JOB).candidates,
		).toHaveLength(1);
	});

	it('rejects a build plate the job does not want (aluminum = aluminium; no plate reported = glass)', () => {
		const aluminium: JobRequirements = { ...PLA_JOB, build_plate: 'aluminum' };
		expect(reasonsOf(aluminium, printer({ build_plate: null }))).toEqual([
			['has a glass build plate, the job needs aluminum'],
		]);
		expect(
			findPrinter([cluster('Farm', [printer({ build_plate: { type: 'aluminium' } })])], aluminium).candidates,
		).toHaveLength(1);
	});

	it('rejects offline printers (cluster offline or printer unreachable) with the reason "offline"', () => {
		expect(
			findPrinter([cluster('Away', [printer()], [], { is_online: false })], PLA_JOB).rejected[0]!.reasons,
		).toEqual(['offline']);
		expect(reasonsOf(PLA_JOB, printer({ status: 'unreachable' }))).toEqual([['offline']]);
	});

	it('reports a printer with enabled: false as status disabled, rejected "disabled", with any other reasons after', () => {
		const match = findPrinter(
			[cluster('Farm', [printer({ enabled: false, status: 'idle', cores: ['AA 0.8', 'BB 0.4'] })])],
			PLA_JOB,
		);
		expect(match.rejected[0]).toMatchObject({
			status: 'disabled',
			score: 0,
			reasons: ['disabled', 'has an AA 0.8 print core in extruder 1, the job needs AA 0.4'],
		});
		expect(match.chosen).toBeNull();
	});

	it('rejects printers that need a person first (error, maintenance)', () => {
		expect(reasonsOf(PLA_JOB, printer({ status: 'error' }), printer({ status: 'maintenance' }))).toEqual([
			['needs attention at the printer (status error)'],
			['needs attention at the printer (status maintenance)'],
		]);
	});

	it('keeps a busy but eligible printer as a candidate', () => {
		const busy = printer({ status: 'printing' });
		const match = findPrinter(
			[
				cluster(
					'Farm',
					[busy],
					[job({ status: 'printing', printer_uuid: busy.uuid, time_total: 7200, time_elapsed: 3600 })],
				),
			],
			PLA_JOB,
		);
		expect(match.chosen).toMatchObject({
			printer_uuid: busy.uuid,
			status: 'printing',
			queue_length: 1,
			seconds_until_free: 3600,
			score: 25,
		});
	});

	it('ignores extruders the job does not use', () => {
		const secondOnly: JobRequirements = {
			...PLA_JOB,
			extruders: [{ index: 1, material_guid: GUID.genericPva, print_core: 'BB 0.4' }],
		};
		expect(
			findPrinter(
				[cluster('Farm', [printer({ loads: [MATERIALS.empty, MATERIALS.genericPva] })])],
				secondOnly,
			).candidates,
		).toHaveLength(1);
	});
});

describe('Find printer: queue and time until free', () => {
	it('counts jobs by printer_uuid, then assigned_to; finished ones do not count', () => {
		const a = printer();
		const b = printer();
		const jobs = [
			job({ status: 'printing', printer_uuid: a.uuid, time_total: 1000, time_elapsed: 400 }),
			job({ status: 'queued', assigned_to: a.uuid, time_total: 500 }),
			job({ status: 'wait_cleanup', printer_uuid: b.uuid }),
			job({ status: 'finished', printer_uuid: b.uuid }),
		];
		const match = findPrinter([cluster('Farm', [a, b], jobs)], PLA_JOB);
		const byUuid = Object.fromEntries(
			match.candidates.map((candidate) => [candidate.printer_uuid, candidate]),
		);
		expect(byUuid[a.uuid!]).toMatchObject({ queue_length: 2, seconds_until_free: 1100 });
		expect(byUuid[b.uuid!]).toMatchObject({ queue_length: 0, seconds_until_free: 0 });
	});

	it('gives unattributed jobs to the printer of a one-printer cluster', () => {
		const only = printer({ status: 'printing' });
		const match = findPrinter(
			[
				cluster(
					'Solo',
					[only],
					[job({ status: 'printing', time_total: 600, time_elapsed: 100 }), job({ time_total: 300 })],
				),
			],
			PLA_JOB,
		);
		expect(match.chosen).toMatchObject({ queue_length: 2, seconds_until_free: 800 });
	});

	it('says null when the wait cannot be known', () => {
		const cleanup = printer({ status: 'wait_cleanup' });
		const noDuration = printer();
		const jobs = [job({ assigned_to: noDuration.uuid, time_total: null })];
		const byUuid = Object.fromEntries(
			findPrinter([cluster('Farm', [cleanup, noDuration], jobs)], PLA_JOB).candidates.map((candidate) => [
				candidate.printer_uuid,
				candidate,
			]),
		);
		expect(byUuid[cleanup.uuid!]!.seconds_until_free).toBeNull();
		expect(byUuid[noDuration.uuid!]).toMatchObject({ seconds_until_free: null, queue_length: 1 });
	});
});

describe('Find printer: ranking', () => {
	it('ranks idle before busy, then fewer seconds until free, then shorter queue, then cluster name', () => {
		const idleQueued = printer({ friendly_name: 'idle, queued 600 s' });
		const idleFree = printer({ friendly_name: 'idle, free' });
		const busySoon = printer({ status: 'printing', friendly_name: 'busy, 100 s' });
		const busyLate = printer({ status: 'printing', friendly_name: 'busy, 5000 s' });
		const busyUnknown = printer({ status: 'printing', friendly_name: 'busy, unknown' });
		const idleFreeB = printer({ friendly_name: 'idle, free, cluster B' });
		const jobs = [
			job({ assigned_to: idleQueued.uuid, time_total: 600 }),
			job({ status: 'printing', printer_uuid: busySoon.uuid, time_total: 200, time_elapsed: 100 }),
			job({ status: 'printing', printer_uuid: busyLate.uuid, time_total: 5000 }),
		];
		const match = findPrinter(
			[
				cluster('B farm', [idleFreeB]),
				cluster('A farm', [busyUnknown, busyLate, busySoon, idleQueued, idleFree], jobs),
			],
			PLA_JOB,
		);
		expect(match.candidates.map((candidate) => candidate.printer_name)).toEqual([
			'idle, free',
			'idle, free, cluster B',
			'idle, queued 600 s',
			'busy, 100 s',
			'busy, 5000 s',
			'busy, unknown',
		]);
		expect(match.chosen!.printer_name).toBe('idle, free');
		const scores = match.candidates.map((candidate) => candidate.score);
		expect([...scores].sort((x, y) => y - x)).toEqual(scores);
		expect(scores.slice(0, 3).every((score) => score > 50)).toBe(true);
		expect(scores.slice(3).every((score) => score <= 50)).toBe(true);
	});

	it('breaks ties by queue length', () => {
		const short = printer({ status: 'printing', friendly_name: 'short' });
		const long = printer({ status: 'printing', friendly_name: 'long' });
		const jobs = [
			job({ status: 'printing', printer_uuid: short.uuid, time_total: 1000, time_elapsed: 0 }),
			job({ status: 'printing', printer_uuid: long.uuid, time_total: 500, time_elapsed: 0 }),
			job({ assigned_to: long.uuid, time_total: 500 }),
		];
		expect(
			findPrinter([cluster('Farm', [long, short], jobs)], PLA_JOB).candidates.map(
				(candidate) => candidate.printer_name,
			),
		).toEqual(['short', 'long']);
	});

	it('labels a cluster by friendly_name, else host_name, else its id', () => {
		const clusters = [
			cluster('x', [printer()], [], { friendly_name: null, host_name: 'ultimakersystem-ccbdd30044ec' }),
			cluster('y', [printer()], [], { friendly_name: null, host_name: null, cluster_id: 'kBEe=' }),
		];
		expect(
			findPrinter(clusters, PLA_JOB)
				.candidates.map((candidate) => candidate.cluster_name)
				.sort(),
		).toEqual(['kBEe=', 'ultimakersystem-ccbdd30044ec']);
	});

	it('bestCandidates takes the best N, each printer once', () => {
		const printers = [printer(), printer(), printer()];
		const match = findPrinter([cluster('Farm', printers)], PLA_JOB);
		expect(bestCandidates(match, 2)).toEqual(match.candidates.slice(0, 2));
		expect(bestCandidates(match, 10)).toHaveLength(3);
		expect(new Set(bestCandidates(match, 3).map((candidate) => candidate.printer_uuid)).size).toBe(3);
	});

	it('describeRejections lists every printer with its reasons, for the "nothing fits" error', () => {
		const match = findPrinter(
			[
				cluster('Farm', [
					printer({ friendly_name: 'S5 left', machine_variant: 'Ultimaker S3' }),
					printer({ friendly_name: 'S5 right', enabled: false }),
				]),
			],
			PLA_JOB,
		);
		expect(describeRejections(match)).toBe(
			'S5 left (Farm): is an Ultimaker S3, the job is for an Ultimaker S5\nS5 right (Farm): disabled',
		);
		expect(describeRejections(findPrinter([], PLA_JOB))).toMatch(/no printers/);
	});
});
