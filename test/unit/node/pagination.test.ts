import { nextPage, pageItems, pageSize } from '../../../nodes/UltimakerDigitalFactory/connections/cloud/transport/pagination';

const base = 'https://api.ultimaker.com';

describe('links.next pagination', () => {
	test('follows an absolute next link as given (opaque), stops at null or missing', () => {
		const link = `${base}/cura/v1/projects?limit=20&cursor=opaque%3D%3D`;
		expect(nextPage({ data: [], links: { next: link } }, base, new Set())).toEqual({ done: false, url: link });
		expect(nextPage({ data: [], links: { next: null } }, base, new Set())).toEqual({ done: true });
		expect(nextPage({ data: [] }, base, new Set())).toEqual({ done: true });
		expect(nextPage(undefined, base, new Set())).toEqual({ done: true });
	});
	test('a relative next link is resolved against the base URL', () => {
		expect(nextPage({ links: { next: '/cura/v1/jobs?page=2' } }, base, new Set())).toEqual({
			done: false,
			url: `${base}/cura/v1/jobs?page=2`,
		});
	});
	test('a link already visited ends the loop', () => {
		const link = `${base}/cura/v1/jobs?page=2`;
		expect(nextPage({ links: { next: link } }, base, new Set([link]))).toEqual({ done: true });
	});
	test('a link to another host is refused (the token would follow it)', () => {
		expect(nextPage({ links: { next: 'https://evil.example.com/steal' } }, base, new Set())).toEqual({
			done: true,
			refused: 'https://evil.example.com/steal',
		});
	});
	test('page items and page sizes', () => {
		expect(pageItems({ data: [1, 2] })).toEqual([1, 2]);
		expect(pageItems({ data: { not: 'a list' } })).toEqual([]);
		expect(pageSize(true, 5)).toBe(100);
		expect(pageSize(false, 5)).toBe(5);
		expect(pageSize(false, 500)).toBe(100);
		expect(pageSize(false, 0)).toBe(1);
	});
});
