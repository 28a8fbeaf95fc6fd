/** The secret scanner itself (test/helpers/secrets.ts): what it finds, what it ignores, where it looks. */
import { NodeApiError } from 'n8n-workflow';

import { clearLeaks, errorSurfaces, findSecrets, findSecretsInText, leaks, registerSecret, scanForSecrets, stringsIn } from '../../helpers/secrets';

const NODE = { id: '1', name: 'Ultimaker', type: 'CUSTOM.ultimakerDigitalFactory', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };

afterEach(() => clearLeaks());

describe('secret scanner', () => {
	test('finds the emulator tokens and any token-shaped string, not the product redactions', () => {
		expect(findSecretsInText('Authorization: Bearer umapi-emulator-token-0001|main')).toEqual(['umapi-emulator-token-0001|main']);
		expect(findSecretsInText('token umapi-expired-token-0001|main here')).toContain('umapi-expired-token-0001|main');
		expect(findSecretsInText('access umat-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA end')).toHaveLength(1);
		expect(findSecretsInText('refresh umrt-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB')).toHaveLength(1);
		expect(findSecretsInText('a minted umapi-Zx91_kk-00|main token')).toEqual(['umapi-Zx91_kk-00|main']);
		expect(findSecretsInText('Bearer [redacted] umapi-[redacted] umapi-…|main')).toEqual([]);
		expect(findSecretsInText('Create a new token in Digital Factory → Settings → API Tokens')).toEqual([]);
	});

	test('registered secrets of any shape are found', () => {
		registerSecret('sk-live-4f9a7b');
		expect(findSecrets({ a: [{ b: 'x sk-live-4f9a7b y' }] })).toEqual(['sk-live-4f9a7b']);
		expect(findSecrets(new Map([['k', Buffer.from('sk-live-4f9a7b')]]))).toEqual(['sk-live-4f9a7b']);
	});

	test('walks objects with cycles, errors (non-enumerable message/stack) and cause chains', () => {
		const cyclic: Record<string, unknown> = { name: 'loop' };
		cyclic.self = cyclic;
		expect(stringsIn(cyclic)).toContain('loop');
		const inner = new Error('upstream said Bearer umapi-emulator-token-0001|main');
		const outer = new Error('wrapped', { cause: inner });
		expect(findSecrets(outer)).toEqual(['umapi-emulator-token-0001|main']);
		expect(errorSurfaces(outer).some((text) => text.includes('umapi-emulator-token-0001|main'))).toBe(true);
	});

	test('looks into a NodeApiError as n8n shows and stores it: message, description, context, JSON', () => {
		const error = new NodeApiError(NODE, { message: 'nope' }, { message: 'Request failed', description: 'fine' });
		error.context.request = { headers: { Authorization: 'Bearer umat-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC' } };
		expect(scanForSecrets('test error', error)).toEqual(['umat-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC']);
		expect(leaks()[0]).toMatchObject({ where: 'test error', secrets: ['umat-CCC…(37 chars)'] });
		// The recorded excerpt masks the secret itself.
		expect(leaks()[0].excerpt).not.toContain('umat-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC');
	});

	test('the jest setup guard masks a token written to stdout and records the leak', () => {
		registerSecret('guard-check-secret-42');
		// Printed masked (the guard replaces the secret before it reaches the terminal).
		process.stdout.write('leaking guard-check-secret-42 now\n');
		expect(leaks().map((leak) => leak.where)).toEqual(['stdout']);
		expect(leaks()[0].secrets).toEqual(['guard-ch…(21 chars)']);
	});
});
