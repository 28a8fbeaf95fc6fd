import {
	describeApiError,
	describeNetworkCode,
	firstApiError,
	isTokenExpired,
	retryAfterMs,
} from '../../../nodes/UltimakerDigitalFactory/connections/cloud/transport/describe';
import { TOKEN_PAGE } from '../../../nodes/UltimakerDigitalFactory/connections/cloud/credential';
import { redactSecrets } from '../../../nodes/UltimakerDigitalFactory/connections/redact';

const envelope = (code: string, status: number, title = 'Title', detail = 'Detail') => ({
	errors: [{ id: 'e1', code, title, detail, http_status: String(status) }],
});

describe('error mapping', () => {
	test('keeps the API errors[0] fields', () => {
		const described = describeApiError(404, envelope('notFound', 404, 'Not found', 'No cluster abc'), 'apiToken', 'cluster abc');
		expect(described).toMatchObject({ httpCode: '404', apiError: { code: 'notFound', title: 'Not found', detail: 'No cluster abc', http_status: '404' } });
		expect(described.message).toBe('Digital Factory could not find cluster abc');
		expect(described.description).toContain('Not found — No cluster abc');
	});
	test('expired API token: says so and where to make a new one', () => {
		const described = describeApiError(403, envelope('tokenExpired', 403), 'apiToken', 'x');
		expect(described.message).toBe('The Digital Factory API token has expired');
		expect(described.description).toContain(TOKEN_PAGE);
	});
	test('expired OAuth2 login (refresh failed): reconnect', () => {
		expect(describeApiError(403, envelope('tokenExpired', 403), 'oAuth2', 'x').description).toMatch(/Reconnect/);
		expect(describeApiError(401, envelope('unauthorized', 401), 'oAuth2', 'x').message).toMatch(/OAuth2/);
	});
	test('409s in operator words', () => {
		expect(describeApiError(409, envelope('printerInactive', 409), 'apiToken', 'x').message).toMatch(/offline or inactive/);
		expect(describeApiError(409, envelope('queueFull', 409), 'apiToken', 'x').message).toMatch(/queue is full/);
		expect(describeApiError(409, envelope('jobNotUploaded', 409), 'apiToken', 'x').message).toMatch(/current state/);
	});
	test.each([
		[400, /rejected the request/],
		[422, /rejected the request/],
		[403, /refused access/],
		[429, /limiting/],
		[500, /server error \(500\)/],
		[503, /server error \(503\)/],
		[418, /answered 418/],
	])('status %i', (status, message) => {
		expect(describeApiError(status, 'plain text body', 'apiToken', 'x').message).toMatch(message);
	});
	test('firstApiError tolerates junk', () => {
		expect(firstApiError(undefined)).toBeUndefined();
		expect(firstApiError({ errors: [] })).toBeUndefined();
		expect(firstApiError({ errors: ['x'] })).toBeUndefined();
		expect(firstApiError('<html>')).toBeUndefined();
		expect(isTokenExpired(403, envelope('tokenExpired', 403))).toBe(true);
		expect(isTokenExpired(403, envelope('forbidden', 403))).toBe(false);
	});
	test('Retry-After: seconds or HTTP date; junk is ignored', () => {
		expect(retryAfterMs('3')).toBe(3000);
		expect(retryAfterMs(['2'])).toBe(2000);
		expect(retryAfterMs('Wed, 25 Nov 2026 10:00:10 GMT', Date.parse('Wed, 25 Nov 2026 10:00:00 GMT'))).toBe(10_000);
		expect(retryAfterMs('soon')).toBeUndefined();
		expect(retryAfterMs(undefined)).toBeUndefined();
	});
	test('secrets are redacted from text, network codes become words', () => {
		expect(redactSecrets('Authorization: Bearer umapi-abc|main')).toBe('Authorization: Bearer [redacted]');
		expect(redactSecrets('token umapi-abc|main here')).toBe('token umapi-[redacted] here');
		expect(redactSecrets('https://s/upload/x?signature=abc&y=1')).toBe('https://s/upload/x?signature=[redacted]&y=1');
		expect(describeNetworkCode('ECONNRESET')).toBe('the connection was reset');
		expect(describeNetworkCode(undefined)).toBe('the connection was lost');
	});
});
