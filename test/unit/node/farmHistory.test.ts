/** The pure parts of farm history and the API escape hatch: API paths, report periods, states and CSV tables. */
import {
	lastDaysPeriod,
	looksLikeCsv,
	parseCsvRecords,
	parseCsvTables,
	rangePeriod,
	reportPhase,
} from '../../../nodes/UltimakerDigitalFactory/core/report';
import { checkApiPath } from '../../../nodes/UltimakerDigitalFactory/core/validation';

describe('checkApiPath', () => {
	it.each([
		['clusters/abc/maintenance/pending', 'clusters/abc/maintenance/pending'],
		['/print_jobs', 'print_jobs'],
		['', ''],
		['clusters/kBEe+x=/status', 'clusters/kBEe%2Bx%3D/status'],
		['clusters/a%3Db/status', 'clusters/a%3Db/status'],
		['projects/my project', 'projects/my%20project'],
		['clusters/', 'clusters/'],
	])('accepts %j as %j', (input, expected) => {
		expect(checkApiPath(input)).toEqual({ ok: true, value: expected });
	});

	it.each([
		['..', /"\." or "\.\."/],
		['clusters/../../account', /"\." or "\.\."/],
		['clusters/%2e%2e/x', /"\." or "\.\."/],
		['clusters/./status', /"\." or "\.\."/],
		['//evil.example/x', /"\/\/"/],
		['clusters//status', /"\/\/"/],
		['https://evil.example/connect/v1/clusters', /absolute URL/],
		['javascript:alert(1)', /absolute URL/],
		['clusters%2Fabc', /encoded slash/],
		['clusters%2fabc', /encoded slash/],
		['clusters%5Cabc', /encoded slash/],
		['clusters\\abc', /backslash/],
		['clusters/a\nb', /control characters/],
		['clusters/a\u0000b', /control characters/],
		['clusters?status=active', /"\?" or "#"/],
		['clusters#x', /"\?" or "#"/],
		['clusters/%zz', /broken percent-encoding/],
		['x'.repeat(3000), /too long/],
	])('refuses %j', (input, message) => {
		const checked = checkApiPath(input);
		expect(checked.ok).toBe(false);
		if (!checked.ok) {
			expect(checked.message).toMatch(message);
			expect(checked.hint).toMatch(/below the service root/);
		}
	});
});

describe('report periods', () => {
	const now = new Date('2026-12-03T10:00:00.000Z');

	it('last N days ends now, in ISO with milliseconds and Z', () => {
		expect(lastDaysPeriod(7, now)).toEqual({ ok: true, value: { start_date: '2026-11-26T10:00:00.000Z', end_date: '2026-12-03T10:00:00.000Z' } });
		expect(lastDaysPeriod('1', now)).toMatchObject({ ok: true });
		for (const bad of [0, -1, 'x', 100_000, Number.NaN]) expect(lastDaysPeriod(bad, now)).toMatchObject({ ok: false });
	});

	it('a range: zone-less dates are UTC; the end must follow the start', () => {
		expect(rangePeriod('2026-11-01T00:00:00', '2026-11-08T00:00:00')).toEqual({
			ok: true,
			value: { start_date: '2026-11-01T00:00:00.000Z', end_date: '2026-11-08T00:00:00.000Z' },
		});
		expect(rangePeriod('2026-11-01T00:00:00+01:00', '2026-11-02')).toMatchObject({ ok: true, value: { start_date: '2026-10-31T23:00:00.000Z' } });
		expect(rangePeriod('', '2026-11-02')).toMatchObject({ ok: false, message: /Start Date/ });
		expect(rangePeriod('2026-11-02', 'soon')).toMatchObject({ ok: false, message: /End Date/ });
		expect(rangePeriod('2026-11-02', '2026-11-01')).toMatchObject({ ok: false, message: /not after/ });
	});
});

describe('report states', () => {
	it('waits while pending or processing; success is ready; failed, unknown and anything else fail', () => {
		expect(reportPhase('pending')).toBe('waiting');
		expect(reportPhase('processing')).toBe('waiting');
		expect(reportPhase('success')).toBe('ready');
		for (const other of ['failed', 'unknown', 'done', undefined, 3]) expect(reportPhase(other)).toBe('failed');
	});
});

describe('report CSV', () => {
	it('reads quoted fields with commas, quotes and line breaks', () => {
		expect(parseCsvRecords('a,"b,c","say ""hi""","two\nlines"\r\n1,2,3,4')).toEqual([
			['a', 'b,c', 'say "hi"', 'two\nlines'],
			['1', '2', '3', '4'],
		]);
		expect(parseCsvRecords('\uFEFFx,y\n')).toEqual([['x', 'y']]);
	});

	it('splits titled tables at blank lines; untitled tables too', () => {
		const text = [
			'Prints',
			'printer_name,job_name,Extruder 1 material',
			'S5 A,"bracket, v2",Generic PLA',
			'S5 B,"note\n\nwith blank line",Generic PLA',
			'',
			'Material consumption',
			'material,material_used_g',
			'Generic PLA,12.5',
			'',
			'',
			'x,y',
			'1',
		].join('\n');
		const tables = parseCsvTables(text);
		expect(tables.map((table) => table.title)).toEqual(['Prints', 'Material consumption', null]);
		expect(tables[0]!.rows).toEqual([
			{ printer_name: 'S5 A', job_name: 'bracket, v2', 'Extruder 1 material': 'Generic PLA' },
			{ printer_name: 'S5 B', job_name: 'note\n\nwith blank line', 'Extruder 1 material': 'Generic PLA' },
		]);
		expect(tables[1]!.rows).toEqual([{ material: 'Generic PLA', material_used_g: '12.5' }]);
		expect(tables[2]!.rows).toEqual([{ x: '1', y: '' }]);
	});

	it('recognises CSV by type, name or first line', () => {
		expect(looksLikeCsv('text/csv; charset=utf-8', undefined, '')).toBe(true);
		expect(looksLikeCsv(undefined, 'r.csv', '')).toBe(true);
		expect(looksLikeCsv('application/octet-stream', 'r', 'a,b\n1,2')).toBe(true);
		expect(looksLikeCsv('application/zip', 'r.zip', 'PK\u0003\u0004')).toBe(false);
		expect(looksLikeCsv('application/pdf', 'r', 'a,b')).toBe(false);
	});
});
