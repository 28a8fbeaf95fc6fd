/** Find printer's invariants over arbitrary farms: a partition of the printers, a consistent ranking, honest reasons. */
import fc from 'fast-check';

import { compareCandidates, findPrinter } from '../../../nodes/UltimakerDigitalFactory/core/farm';
import type { ClusterSnapshot, JobRequirements } from '../../../nodes/UltimakerDigitalFactory/core/farm';
import type { PrinterStatus, PrintJobStatus } from '../../../nodes/UltimakerDigitalFactory/core';
import { GUID } from '../../fixtures/toolpaths';
import { MATERIALS } from './builders';

const materialArb = fc.constantFrom(
	MATERIALS.genericPla,
	MATERIALS.genericPva,
	MATERIALS.toughPlaBlack,
	MATERIALS.empty,
	null,
);
const coreArb = fc.constantFrom('AA 0.4', 'AA 0.8', 'BB 0.4', 'CC 0.6', '');
const statusArb = fc.constantFrom(
	'idle',
	'printing',
	'pre_print',
	'wait_cleanup',
	'error',
	'maintenance',
	'unreachable',
	'booting',
);

const printerArb = (clusterIndex: number) =>
	fc
		.record({
			index: fc.nat(1000),
			machine_variant: fc.constantFrom('Ultimaker S5', 'Ultimaker S3', 'Ultimaker S7'),
			status: statusArb,
			enabled: fc.boolean(),
			extruders: fc.array(fc.tuple(coreArb, materialArb), { minLength: 1, maxLength: 2 }),
			plate: fc.constantFrom('glass', 'aluminium', null),
		})
		.map(
			({ index, machine_variant, status, enabled, extruders, plate }): PrinterStatus => ({
				uuid: `p-${clusterIndex}-${index}`,
				friendly_name: `Printer ${index}`,
				machine_variant,
				status,
				enabled,
				configuration: extruders.map(([core, material], extruder_index) => ({
					extruder_index,
					print_core_id: core,
					material,
				})),
				build_plate: plate === null ? null : { type: plate },
			}),
		);

const jobArb = fc.record({
	status: fc.constantFrom('queued', 'printing', 'paused', 'finished', 'wait_cleanup', 'pre_print'),
	owner: fc.nat(1000),
	time_total: fc.option(fc.nat(100_000), { nil: null }),
	time_elapsed: fc.nat(100_000),
});

const clusterArb = (clusterIndex: number) =>
	fc
		.record({
			online: fc.boolean(),
			printers: fc.uniqueArray(printerArb(clusterIndex), {
				selector: (printer) => printer.uuid,
				maxLength: 4,
			}),
			jobs: fc.array(jobArb, { maxLength: 6 }),
		})
		.map(
			({ online, printers, jobs }): ClusterSnapshot => ({
				cluster_id: `c-${clusterIndex}`,
				friendly_name: `Cluster ${clusterIndex}`,
				is_online: online,
				printers,
				print_jobs: jobs.map(
					(job, i): PrintJobStatus => ({
						uuid: `j-${clusterIndex}-${i}`,
						status: job.status,
						time_total: job.time_total,
						time_elapsed: job.time_elapsed,
						assigned_to: printers[job.owner % Math.max(printers.length, 1)]?.uuid ?? null,
					}),
				),
			}),
		);

const farmArb = fc
	.integer({ min: 0, max: 4 })
	.chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => clusterArb(i))));

const requirementsArb = fc
	.record({
		machine: fc.constantFrom('Ultimaker S5', 'Ultimaker S3'),
		guid: fc.constantFrom(GUID.genericPla, GUID.genericPva, GUID.ultimakerToughPlaBlack),
		core: fc.constantFrom('AA 0.4', 'BB 0.4', null),
		plate: fc.constantFrom('glass', null),
	})
	.map(
		({ machine, guid, core, plate }): JobRequirements => ({
			machine,
			extruders: [{ index: 0, material_guid: guid, print_core: core }],
			build_plate: plate,
		}),
	);

describe('Find printer (properties)', () => {
	it('puts every printer in exactly one of candidates and rejected; rejected ones always have reasons', () => {
		fc.assert(
			fc.property(farmArb, requirementsArb, (farm, requirements) => {
				const match = findPrinter(farm, requirements);
				const all = farm.flatMap((cluster) => cluster.printers.map((printer) => printer.uuid));
				const seen = [...match.candidates, ...match.rejected].map((entry) => entry.printer_uuid);
				expect(seen.sort()).toEqual([...all].sort());
				expect(match.rejected.every((rejected) => rejected.reasons.length > 0 && rejected.score === 0)).toBe(
					true,
				);
				expect(match.chosen).toEqual(match.candidates[0] ?? null);
			}),
			{ numRuns: 400 },
		);
	});

	it('makes only online, enabled printers of the right machine that load the material candidates', () => {
		fc.assert(
			fc.property(farmArb, requirementsArb, (farm, requirements) => {
				const match = findPrinter(farm, requirements);
				for (const candidate of match.candidates) {
					const cluster = farm.find((each) => each.cluster_id === candidate.cluster_id)!;
					const printer = cluster.printers.find((each) => each.uuid === candidate.printer_uuid)!;
					expect(cluster.is_online).toBe(true);
					expect(printer.enabled).toBe(true);
					expect(['unreachable', 'error', 'maintenance']).not.toContain(printer.status);
					expect(printer.machine_variant).toBe(requirements.machine);
					expect(printer.configuration![0]!.material?.guid).toBe(requirements.extruders[0]!.material_guid);
					if (requirements.extruders[0]!.print_core)
						expect(printer.configuration![0]!.print_core_id).toBe(requirements.extruders[0]!.print_core);
				}
				for (const rejected of match.rejected) {
					const cluster = farm.find((each) => each.cluster_id === rejected.cluster_id)!;
					const printer = cluster.printers.find((each) => each.uuid === rejected.printer_uuid)!;
					if (cluster.is_online === false) expect(rejected.reasons[0]).toBe('offline');
					if (printer.enabled === false)
						expect(rejected).toMatchObject({
							status: 'disabled',
							reasons: expect.arrayContaining(['disabled']),
						});
				}
			}),
			{ numRuns: 400 },
		);
	});

	it('ranks consistently: sorted by the comparison, idle first, scores never rising, and independent of input order', () => {
		fc.assert(
			fc.property(farmArb, requirementsArb, (farm, requirements) => {
				const { candidates } = findPrinter(farm, requirements);
				for (let i = 1; i < candidates.length; i++) {
					expect(compareCandidates(candidates[i - 1]!, candidates[i]!)).toBeLessThanOrEqual(0);
					expect(candidates[i - 1]!.score).toBeGreaterThanOrEqual(candidates[i]!.score);
				}
				const firstBusy = candidates.findIndex((candidate) => candidate.status !== 'idle');
				if (firstBusy >= 0)
					expect(candidates.slice(firstBusy).every((candidate) => candidate.status !== 'idle')).toBe(true);
				const reversed = [...farm]
					.reverse()
					.map((cluster) => ({ ...cluster, printers: [...cluster.printers].reverse() }));
				expect(findPrinter(reversed, requirements).candidates).toEqual(candidates);
			}),
			{ numRuns: 400 },
		);
	});
});
