/** The failure contract: each failed request classified once (what happened, may it have taken effect, may it pass later). */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	cancelledFailure,
	configurationFailure,
	failureError,
	failureOf,
	httpFailure,
	networkFailure,
	unreadableFailure,
} from '../../../nodes/UltimakerDigitalFactory/connections/failure';
import { networkCodeOf } from '../../../nodes/UltimakerDigitalFactory/connections/cloud/transport/send';

const node = { id: 'n', name: 'Ultimaker Digital Factory', type: 'ultimakerDigitalFactory', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };

describe('HTTP answers', () => {
	it.each([
		[503, true],
		[502, true],
		[500, true],
		[429, true],
		[408, true],
		[401, false],
		[404, false],
		[422, false],
	])('%i: transient %s', (status, transient) => {
		expect(httpFailure('GET', 'x', status)).toMatchObject({ kind: 'http', status, transient, reachedServer: true });
	});

	it('a 5xx, 408 or unfollowed redirect to a change may have taken effect; a 4xx or 429 did not; a read never does', () => {
		for (const status of [500, 502, 503, 504, 408, 302]) expect(httpFailure('POST', 'x', status).mayHaveTakenEffect).toBe(true);
		for (const status of [400, 401, 403, 404, 409, 422, 429]) expect(httpFailure('POST', 'x', status).mayHaveTakenEffect).toBe(false);
		for (const status of [500, 503, 302]) expect(httpFailure('GET', 'x', status).mayHaveTakenEffect).toBe(false);
	});

	it("keeps the API's own error code", () => {
		expect(httpFailure('GET', 'x', 403, 'tokenExpired').apiCode).toBe('tokenExpired');
	});
});

describe('no answer', () => {
	it.each([
		[{ httpCode: 'ECONNRESET', message: 'The connection to the server was closed unexpectedly' }, 'ECONNRESET'],
		[{ message: 'timeout of 30000ms exceeded', code: 'ECONNABORTED' }, 'ECONNABORTED'],
		[{ code: 'ETIMEDOUT' }, 'ETIMEDOUT'],
		[{ cause: { code: 'ECONNREFUSED' } }, 'ECONNREFUSED'],
		[{ message: 'x', cause: { message: 'socket hang up' } }, 'ECONNRESET'],
		[{ message: 'The connection to the server was closed unexpectedly' }, 'ECONNRESET'],
		[{ message: 'boom' }, 'ENETWORK'],
	])('network code of %j is %s, and the failure is transient', (error, code) => {
		expect(networkCodeOf(error)).toBe(code);
		expect(networkFailure('GET', 'x', networkCodeOf(error)).transient).toBe(true);
	});

	it('a host name that does not exist is not transient', () => {
		expect(networkFailure('GET', 'x', 'ENOTFOUND')).toMatchObject({ transient: false, reachedServer: false });
	});

	it('a refused connection never reached the server; a reset one may have, for a change', () => {
		expect(networkFailure('POST', 'x', 'ECONNREFUSED')).toMatchObject({ reachedServer: false, mayHaveTakenEffect: false });
		expect(networkFailure('POST', 'x', 'ECONNRESET')).toMatchObject({ reachedServer: true, mayHaveTakenEffect: true });
		expect(networkFailure('GET', 'x', 'ECONNRESET').mayHaveTakenEffect).toBe(false);
	});
});

describe('other failures', () => {
	it('an unreadable 2xx to a change most likely took effect; configuration problems sent nothing; a cut-off change is unknown', () => {
		expect(unreadableFailure('POST', 'x', 200)).toMatchObject({ kind: 'unreadable', mayHaveTakenEffect: true, transient: false });
		expect(configurationFailure('GET', 'x')).toMatchObject({ kind: 'configuration', reachedServer: false, mayHaveTakenEffect: false });
		expect(cancelledFailure('POST', 'x')).toMatchObject({ kind: 'cancelled', mayHaveTakenEffect: true });
	});
});

describe('the n8n error carries its failure', () => {
	it('NodeApiError for the API, NodeOperationError for configuration; failureOf reads it back', () => {
		const api = failureError(node, httpFailure('POST', 'x', 503), { message: 'm', description: 'd' });
		const config = failureError(node, configurationFailure('GET', 'x'), { message: 'm', description: 'd' });
		expect(api).toBeInstanceOf(NodeApiError);
		expect(config).toBeInstanceOf(NodeOperationError);
		expect(failureOf(api)).toMatchObject({ kind: 'http', status: 503, mayHaveTakenEffect: true });
		expect(failureOf(config)?.kind).toBe('configuration');
		expect(failureOf(new Error('not ours'))).toBeUndefined();
		expect(failureOf(undefined)).toBeUndefined();
	});
});
