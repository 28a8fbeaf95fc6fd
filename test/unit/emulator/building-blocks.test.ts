import { FaultRegistry, RequestLog, Router, VirtualClock, parseGcodeHeader, IdSource, resolveMaterial, s512Challenge } from '../../../emulator';
import { parseArgs, parseFarm } from '../../../emulator/cli';
import { gcodeHeader, PLA_GUID } from '../../fixtures/gcode';

describe('VirtualClock', () => {
	test('runs at speed × real time, freezes at 0, advances explicitly', () => {
		let real = 1000;
		const clock = new VirtualClock(10, 50_000, () => real);
		real += 100;
		expect(clock.now()).toBe(51_000);
		clock.setSpeed(0);
		real += 5000;
		expect(clock.now()).toBe(51_000);
		clock.advance(60);
		expect(clock.now()).toBe(111_000);
		expect(() => clock.advance(-1)).toThrow(RangeError);
		expect(() => clock.setSpeed(Number.NaN)).toThrow(RangeError);
	});
});

describe('parseGcodeHeader', () => {
	test('reads Cura Griffin headers', () => {
		const header = parseGcodeHeader(gcodeHeader({ printTimeSeconds: 4321, targetMachine: 'Ultimaker S7', materialGuids: [PLA_GUID, '86A89CEB-4159-47F6-AB97-E9953803D70F'] }));
		expect(header).toEqual({
			flavor: 'Griffin',
			printTimeSeconds: 4321,
			targetMachine: 'Ultimaker S7',
			materials: [
				{ extruder_index: 0, guid: PLA_GUID },
				{ extruder_index: 1, guid: '86a89ceb-4159-47f6-ab97-e9953803d70f' },
			],
			extruders: [
				{ extruder_index: 0, material_guid: PLA_GUID, print_core_id: 'AA 0.4', nozzle_diameter: 0.4, material_volume_mm3: 6410 },
				{ extruder_index: 1, material_guid: '86a89ceb-4159-47f6-ab97-e9953803d70f', print_core_id: 'BB 0.4', nozzle_diameter: 0.4, material_volume_mm3: 6410 },
			],
			buildPlate: 'glass',
			size: { min: { x: 9, y: 6, z: 0.27 }, max: { x: 173.7, y: 170.6, z: 60.27 } },
		});
	});
	test('falls back to ;TIME: and ignores junk', () => {
		expect(parseGcodeHeader(';FLAVOR:Marlin\n;TIME:99\nG28\n;PRINT.TIME:5\n').printTimeSeconds).toBe(99);
		expect(parseGcodeHeader('\u0000\u0001binary').printTimeSeconds).toBeNull();
		expect(parseGcodeHeader(';TIME:-5\n').printTimeSeconds).toBeNull();
	});
});

describe('Router', () => {
	const router = new Router().add('GET', '/c/:id/status', () => undefined).add('POST', '/c/:id', () => undefined);
	test('decodes each segment; an encoded slash stays inside its segment', () => {
		const m = router.match('GET', '/c/ab%3D%2Fcd/status');
		expect(m && m !== 'methodNotAllowed' && m.params).toEqual({ id: 'ab=/cd' });
		expect(router.match('GET', '/c/ab=/status')).toEqual(expect.objectContaining({ params: { id: 'ab=' } }));
	});
	test('405 for a known path with another method, null for unknown and malformed', () => {
		expect(router.match('DELETE', '/c/x')).toBe('methodNotAllowed');
		expect(router.match('GET', '/nope')).toBeNull();
		expect(router.match('GET', '/c/%E0%A4%A/status')).toBeNull();
	});
});

describe('FaultRegistry', () => {
	test('wildcards, method filter and count', () => {
		const faults = new FaultRegistry();
		faults.add({ path: '/connect/v1/clusters/*/status', kind: 'rateLimit', count: 2, method: 'get' });
		expect(faults.take('POST', '/connect/v1/clusters/a=/status')).toBeNull();
		expect(faults.take('GET', '/connect/v1/clusters/a%3D/status')?.kind).toBe('rateLimit');
		expect(faults.take('GET', '/connect/v1/clusters/b/status')?.hits).toBe(2);
		expect(faults.take('GET', '/connect/v1/clusters/b/status')).toBeNull();
		expect(faults.list()).toEqual([]);
	});
	test('rejects bad specs', () => {
		const faults = new FaultRegistry();
		expect(() => faults.add({ path: '/x', kind: 'nope' })).toThrow(/kind/);
		expect(() => faults.add({ path: 'x', kind: 'drop' })).toThrow(/path/);
		expect(() => faults.add({ path: '/x', kind: 'drop', count: 0 })).toThrow(/count/);
		expect(() => faults.add({ path: '/x', kind: 'status', status: 200 })).toThrow(/status/);
	});
});

describe('RequestLog', () => {
	test('redacts secrets, keeps presence, stays bounded', () => {
		const log = new RequestLog(3);
		const req = { method: 'GET', headers: { authorization: 'Bearer umapi-secret', 'x-custom-token': 't', accept: 'a' } } as any;
		for (let i = 0; i < 5; i++) log.start('api', req, '/x', new URLSearchParams('code=abc&limit=2'));
		const entries = log.list();
		expect(entries.map((e) => e.seq)).toEqual([3, 4, 5]);
		expect(entries[0]!.headers).toEqual({ authorization: '[redacted]', 'x-custom-token': '[redacted]', accept: 'a' });
		expect(entries[0]!.query).toEqual({ code: '[redacted]', limit: '2' });
		expect(JSON.stringify(entries)).not.toContain('umapi-secret');
	});
});

describe('ids, materials, PKCE', () => {
	test('seeded ids repeat; formats match the real API', () => {
		const a = new IdSource('seed');
		const b = new IdSource('seed');
		expect(a.clusterId()).toBe(b.clusterId());
		expect(a.jobId()).toMatch(/^[A-Za-z0-9_-]{43}=$/);
		expect(a.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(new IdSource().jobId()).not.toBe(new IdSource().jobId());
	});
	test('materials resolve by name, display name and GUID', () => {
		expect(resolveMaterial('PLA')?.guid).toBe(PLA_GUID);
		expect(resolveMaterial('tough pla')?.material).toBe('Tough PLA');
		expect(resolveMaterial(PLA_GUID.toUpperCase())?.material).toBe('PLA');
		expect(resolveMaterial('unobtainium')).toBeNull();
	});
	test('S512 uses _ and - and keeps padding (Cura)', () => {
		const challenge = s512Challenge('0123456789ABCDEF0123456789ABCDEF');
		expect(challenge).toMatch(/^[A-Za-z0-9_-]+==$/);
	});
});

describe('CLI parsing', () => {
	test('--printers with counts, --cluster-size groups them', () => {
		expect(parseFarm('ultimaker_s5:2,ultimaker_s7:1', 1).map((c) => c.printers.map((p) => p.type))).toEqual([['ultimaker_s5'], ['ultimaker_s5'], ['ultimaker_s7']]);
		expect(parseFarm('ultimaker_s5:3', 2).map((c) => c.printers.length)).toEqual([2, 1]);
		expect(parseFarm('2', 1)).toHaveLength(2);
		expect(() => parseFarm('ultimaker_s99', 1)).toThrow(/Unknown printer type/);
	});
	test('flags override env, = and space forms', () => {
		expect(parseArgs(['--port', '9000', '--speed=60'], { EMULATOR_PORT: '1', EMULATOR_SEED: 'x' })).toEqual({ port: '9000', speed: '60', seed: 'x' });
		expect(() => parseArgs(['--bogus'], {})).toThrow(/Unknown argument/);
	});
});
