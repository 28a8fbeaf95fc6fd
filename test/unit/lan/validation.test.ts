import { checkIdSegment, checkLocalHost } from '../../../nodes/UltimakerDigitalFactory/core/validation';
import { findPrinter, namesOfUpload } from '../../../nodes/UltimakerDigitalFactory/connections/local/connection';
import { multipartFrame, partFileName } from '../../../nodes/UltimakerDigitalFactory/connections/local/multipart';
import { parseMultipart } from '../../../emulator';

describe('checkLocalHost', () => {
	test.each([
		['192.168.1.50', '192.168.1.50'],
		['10.0.0.7:8080', '10.0.0.7:8080'],
		['172.20.1.1', '172.20.1.1'],
		['169.254.3.4', '169.254.3.4'],
		['127.0.0.1:8789', '127.0.0.1:8789'],
		['http://192.168.1.50/', '192.168.1.50'],
		['ultimakersystem-ccbdd30044ec.local', 'ultimakersystem-ccbdd30044ec.local'],
		['printer', 'printer'],
		['[fe80::1]', '[fe80::1]'],
		['[fd12::5]:80', '[fd12::5]'],
		['localhost', 'localhost'],
	])('accepts %s', (input, host) => {
		expect(checkLocalHost(input)).toEqual({ ok: true, value: host });
	});

	test.each([
		['', /no printer host/],
		['8.8.8.8', /not a local network address/],
		['172.32.0.1', /not a local network address/],
		['printer.example.com', /not a local network address/],
		['[2001:db8::1]', /not a local network address/],
		['http://192.168.1.50/api', /must not contain a path/],
		['192.168.1.50/cluster-api', /must not contain a path/],
		['https://192.168.1.50', /must not start with https/],
		['user:pass@192.168.1.50', /user name or password/],
		['http://admin@192.168.1.50', /user name or password/],
		['192.168.1.50?x=1', /query/],
	])('refuses %s', (input, message) => {
		const checked = checkLocalHost(input);
		expect(checked.ok).toBe(false);
		if (!checked.ok) expect(checked.message).toMatch(message);
	});

	test('ids with dot segments are refused before they reach a path', () => {
		expect(checkIdSegment('..', 'print job UUID').ok).toBe(false);
		expect(checkIdSegment('../../api/v1/system', 'print job UUID')).toEqual({ ok: true, value: '..%2F..%2Fapi%2Fv1%2Fsystem' });
	});
});

describe('local connection helpers', () => {
	test('the printer by unique_name or friendly_name, default the one at the host address', () => {
		const printers = [
			{ unique_name: 'ultimakersystem-a', friendly_name: 'Lab-S5', ip_address: '192.168.1.10' },
			{ unique_name: 'ultimakersystem-b', friendly_name: 'Lab-S3', ip_address: '192.168.1.11' },
		];
		expect(findPrinter(printers, 'lab-s3', '192.168.1.10')?.unique_name).toBe('ultimakersystem-b');
		expect(findPrinter(printers, 'ULTIMAKERSYSTEM-A', '192.168.1.11')?.friendly_name).toBe('Lab-S5');
		expect(findPrinter(printers, '', '192.168.1.11:80')?.unique_name).toBe('ultimakersystem-b');
		expect(findPrinter(printers, 'nope', '192.168.1.11')).toBeUndefined();
	});

	test('a job name is looked for with and without its extension', () => {
		expect(namesOfUpload('part.gcode')).toEqual(['part.gcode', 'part']);
		expect(namesOfUpload('[ref=A1] part.ufp')).toEqual(['[ref=A1] part.ufp', '[ref=A1] part']);
	});

	test('the multipart frame parses back into owner, file and require_printer_name', () => {
		const { head, tail } = multipartFrame({ fileName: 'a"b\r\n.gcode', contentType: 'text/x-gcode', owner: 'n8n', requirePrinter: 'ultimakersystem-a' }, 'BOUND');
		const parts = parseMultipart(Buffer.concat([head, Buffer.from('G1 X1\n'), tail]), 'multipart/form-data; boundary=BOUND');
		expect(parts.get('owner')?.body.toString()).toBe('n8n');
		expect(parts.get('file')?.body.toString()).toBe('G1 X1\n');
		expect(parts.get('file')?.filename).toBe(partFileName('a"b\r\n.gcode'));
		expect(parts.get('require_printer_name')?.body.toString()).toBe('ultimakersystem-a');
	});
});
