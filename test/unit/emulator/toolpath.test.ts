import { ToolpathHeaderReader, readToolpathHeader } from '../../../emulator';
import { PETG_GUID, PLA_GUID, gcodeHeader } from '../../fixtures/gcode';
import { gcodeGz, ufp, zip } from '../../fixtures/toolpath';

/** A header plus enough moves that the G-code is far larger than what the reader keeps. */
function bigGcode(options: Parameters<typeof gcodeHeader>[0] = {}): string {
	return gcodeHeader(options) + 'G1 X10.123 Y20.456 E0.0335\n'.repeat(40_000);
}

const DUAL = { printTimeSeconds: 7200, targetMachine: 'Ultimaker S5', materialGuids: [PLA_GUID, PETG_GUID], printCores: ['AA 0.4', 'AA 0.8'] };
const NEEDS = {
	flavor: 'Griffin',
	printTimeSeconds: 7200,
	targetMachine: 'Ultimaker S5',
	buildPlate: 'glass',
	extruders: [
		{ extruder_index: 0, material_guid: PLA_GUID, print_core_id: 'AA 0.4', nozzle_diameter: 0.4 },
		{ extruder_index: 1, material_guid: PETG_GUID, print_core_id: 'AA 0.8', nozzle_diameter: 0.4 },
	],
	size: { min: { x: 9, y: 6, z: 0.27 }, max: { x: 173.7, y: 170.6, z: 60.27 } },
};

describe('reading what a toolpath needs from an upload as it streams', () => {
	test('plain G-code: per extruder material GUID and print core, machine, build plate, size', async () => {
		expect(await readToolpathHeader(Buffer.from(bigGcode(DUAL)), 'text/plain')).toMatchObject(NEEDS);
	});

	test('.gcode.gz: the header through gunzip, from the first bytes only', async () => {
		const gz = gcodeGz(bigGcode(DUAL));
		expect(await readToolpathHeader(gz, 'application/gzip')).toMatchObject(NEEDS);
		// Truncated far before its end, the gzip stream still yields the header.
		expect(await readToolpathHeader(gz.subarray(0, 2048), 'application/gzip')).toMatchObject(NEEDS);
	});

	test.each([
		['deflated, sizes in the local headers', {}],
		['deflated, data descriptors (streaming writer)', { dataDescriptor: true }],
		['stored', { deflate: false }],
		['stored, data descriptors', { deflate: false, dataDescriptor: true }],
	])('UFP (%s): 3D/model.gcode found behind the thumbnail', async (_label, options) => {
		expect(await readToolpathHeader(ufp(bigGcode(DUAL), options), 'application/x-ufp')).toMatchObject(NEEDS);
	});

	test('UFP entries whose names carry the OPC leading slash are found too', async () => {
		const bytes = zip([{ name: '/3D/model.gcode', data: Buffer.from(bigGcode(DUAL)) }]);
		expect(await readToolpathHeader(bytes, 'application/x-ufp')).toMatchObject(NEEDS);
	});

	test('chunk boundaries anywhere (1-byte writes through a zip header) give the same answer', async () => {
		const bytes = ufp(gcodeHeader(DUAL), { dataDescriptor: true });
		const reader = new ToolpathHeaderReader('ufp');
		for (let i = 0; i < bytes.length; i++) reader.write(bytes.subarray(i, i + 1));
		expect(await reader.end()).toMatchObject(NEEDS);
	});

	test('not a toolpath: a zip without 3D/model.gcode, a broken gzip, binary declared as G-code → null', async () => {
		expect(await readToolpathHeader(zip([{ name: 'model.stl', data: Buffer.alloc(4096, 7) }]), 'application/x-ufp')).toBeNull();
		expect(await readToolpathHeader(Buffer.from('not gzip at all'), 'application/gzip')).toBeNull();
		expect(await readToolpathHeader(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]), 'text/plain')).toBeNull();
		expect(await readToolpathHeader(Buffer.from(';FLAVOR:Griffin\n'), 'application/octet-stream')).toBeNull();
	});

	test('a G-code without a Griffin header: nulls, and no extruder needs', async () => {
		const header = await readToolpathHeader(Buffer.from(';FLAVOR:Marlin\n;TIME:99\nG28\n'), 'text/plain');
		expect(header).toMatchObject({ flavor: 'Marlin', printTimeSeconds: 99, targetMachine: null, extruders: [], size: null, buildPlate: null });
	});
});
