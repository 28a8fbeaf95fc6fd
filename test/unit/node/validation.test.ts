import fc from 'fast-check';

import { checkBaseUrl, checkIdSegment, checkOrigin, sameApiUrl } from '../../../nodes/UltimakerDigitalFactory/core/validation';

describe('id path segments', () => {
	test.each(['', '   ', '\t'])('%j is empty', (value) => {
		expect(checkIdSegment(value, 'job ID')).toMatchObject({ ok: false, message: 'job ID is empty' });
	});
	test.each(['.', '..', ' .. '])('dot segment %j is refused', (value) => {
		expect(checkIdSegment(value, 'job ID').ok).toBe(false);
	});
	test('control characters are refused; numbers are accepted', () => {
		expect(checkIdSegment('a\nb', 'x').ok).toBe(false);
		expect(checkIdSegment(42, 'x')).toEqual({ ok: true, value: '42' });
	});
	test('base64-ish ids keep their meaning, encoded', () => {
		expect(checkIdSegment(' kBEeZ+/x= ', 'cluster ID')).toEqual({ ok: true, value: 'kBEeZ%2B%2Fx%3D' });
	});
	test('property: any accepted id is a single segment that decodes back to the trimmed input', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 40 }), (value) => {
				const checked = checkIdSegment(value, 'id');
				if (!checked.ok) return;
				expect(checked.value).not.toMatch(/[/?#]/);
				expect(checked.value).not.toMatch(/^\.{1,2}$/);
				expect(decodeURIComponent(checked.value)).toBe(value.trim());
				const url = new URL(`https://api.ultimaker.com/cura/v1/jobs/${checked.value}`);
				expect(url.pathname.startsWith('/cura/v1/jobs/')).toBe(true);
				expect(url.search).toBe('');
			}),
		);
	});
});

describe('base URL', () => {
	test.each([
		['https://api.ultimaker.com', 'https://api.ultimaker.com'],
		['https://api.ultimaker.com/', 'https://api.ultimaker.com'],
		[' http://127.0.0.1:8787 ', 'http://127.0.0.1:8787'],
		['http://localhost:8787/', 'http://localhost:8787'],
		['https://proxy.example.com/ultimaker/', 'https://proxy.example.com/ultimaker'],
	])('%s → %s', (value, expected) => {
		expect(checkBaseUrl(value)).toEqual({ ok: true, value: expected });
	});
	test.each([
		'',
		'api.ultimaker.com',
		'http://api.ultimaker.com',
		'http://127.0.0.2.example.com',
		'file:///etc/passwd',
		'https://a:b@api.ultimaker.com',
		'https://api.ultimaker.com?x',
		'https://api.ultimaker.com#x',
		'https://api.ultimaker.com/../x',
		'https://api.ultimaker.com/%2e%2e/x',
		'https://api.ultimaker.com/a\\b',
	])('%j is refused', (value) => {
		expect(checkBaseUrl(value).ok).toBe(false);
	});
});

describe('origin', () => {
	test('empty is no origin; a bare origin is canonicalised', () => {
		expect(checkOrigin('')).toEqual({ ok: true, value: undefined });
		expect(checkOrigin('https://Farm.Example.com/')).toEqual({ ok: true, value: 'https://farm.example.com' });
		expect(checkOrigin('http://127.0.0.1:5678')).toEqual({ ok: true, value: 'http://127.0.0.1:5678' });
	});
	test.each(['farm.example.com', 'https://farm.example.com/path', 'https://farm.example.com?x=1', 'ftp://x', 'cura'])('%j is refused', (value) => {
		expect(checkOrigin(value).ok).toBe(false);
	});
});

test('links stay on the base URL', () => {
	expect(sameApiUrl('https://api.ultimaker.com/cura/v1/jobs?page=2', 'https://api.ultimaker.com')).toBe(true);
	expect(sameApiUrl('/cura/v1/jobs?page=2', 'https://api.ultimaker.com')).toBe(true);
	expect(sameApiUrl('https://evil.example.com/cura/v1/jobs', 'https://api.ultimaker.com')).toBe(false);
	expect(sameApiUrl('http://api.ultimaker.com/cura/v1/jobs', 'https://api.ultimaker.com')).toBe(false);
	expect(sameApiUrl('https://proxy.example.com/other/x', 'https://proxy.example.com/ultimaker')).toBe(false);
});
