import { createHash, randomBytes } from 'node:crypto';
import { httpRequest, startEmulator } from '../../../emulator';
import type { Emulator } from '../../../emulator';

const REDIRECT = 'http://localhost:5678/rest/oauth2-credential/callback';

describe('OAuth2: authorization code (+PKCE), refresh with rotation, expiry on the virtual clock', () => {
	let emu: Emulator;

	beforeEach(async () => {
		emu = await startEmulator({ port: 0, seed: 'oauth', speed: 0 });
	});
	afterEach(() => emu.close());

	async function authorize(params: Record<string, string>): Promise<URL> {
		const query = new URLSearchParams({ response_type: 'code', client_id: emu.oauthClient.clientId, redirect_uri: REDIRECT, scope: 'openid connect.cluster.read', state: 'xyz', ...params });
		const reply = await httpRequest('GET', `${emu.url}/authorize?${query}`);
		expect(reply.status).toBe(302);
		return new URL(reply.headers.location!);
	}

	function token(form: Record<string, string>, basic = true) {
		const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
		const body = new URLSearchParams(form);
		if (basic) headers.Authorization = `Basic ${Buffer.from(`${emu.oauthClient.clientId}:${emu.oauthClient.clientSecret}`).toString('base64')}`;
		return httpRequest('POST', `${emu.url}/token`, { headers, body: body.toString() });
	}

	test('code → token → API call → refresh → the old refresh token is rejected with invalid_grant', async () => {
		const redirect = await authorize({});
		expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT);
		expect(redirect.searchParams.get('state')).toBe('xyz');
		const code = redirect.searchParams.get('code')!;
		const first = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
		expect(first.status).toBe(200);
		expect(first.json).toEqual(expect.objectContaining({ token_type: 'bearer', expires_in: 600, scope: 'openid connect.cluster.read', access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) }));
		expect((await emu.client.api('GET', '/connect/v1/clusters', undefined, { token: first.json.access_token })).status).toBe(200);
		const check = await emu.client.api('GET', '/check-token', undefined, { token: first.json.access_token });
		expect(check.json.data).toEqual(expect.objectContaining({ user_id: expect.any(String), username: 'emulator-user' }));

		// The code is single-use.
		expect((await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).json.error).toBe('invalid_grant');

		const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.json.refresh_token }, false);
		expect(refreshed.status).toBe(401); // no client credentials at all
		const viaForm = await token({ grant_type: 'refresh_token', refresh_token: first.json.refresh_token, client_id: emu.oauthClient.clientId, client_secret: emu.oauthClient.clientSecret }, false);
		expect(viaForm.status).toBe(200);
		expect(viaForm.json.refresh_token).not.toBe(first.json.refresh_token);
		const reused = await token({ grant_type: 'refresh_token', refresh_token: first.json.refresh_token });
		expect(reused.status).toBe(400);
		expect(reused.json).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
		const next = await token({ grant_type: 'refresh_token', refresh_token: viaForm.json.refresh_token });
		expect(next.status).toBe(200);
	});

	test('access tokens expire after 600 virtual seconds → 403 tokenExpired; refresh gives a working token', async () => {
		const code = (await authorize({})).searchParams.get('code')!;
		const tokens = (await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).json;
		await emu.client.controlReply('POST', '/clock/advance', { seconds: 599 });
		expect((await emu.client.api('GET', '/connect/v1/clusters', undefined, { token: tokens.access_token })).status).toBe(200);
		await emu.client.controlReply('POST', '/clock/advance', { seconds: 1 });
		const expired = await emu.client.api('GET', '/connect/v1/clusters', undefined, { token: tokens.access_token });
		expect(expired.status).toBe(403);
		expect(expired.json.errors[0]).toEqual(expect.objectContaining({ code: 'tokenExpired', http_status: '403' }));
		const fresh = (await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).json;
		expect((await emu.client.api('GET', '/connect/v1/clusters', undefined, { token: fresh.access_token })).status).toBe(200);
	});

	test('PKCE S256 and Ultimaker S512: right verifier works, wrong one is invalid_grant', async () => {
		const verifier = randomBytes(16).toString('hex').toUpperCase();
		const s256 = createHash('sha256').update(verifier).digest('base64url');
		const s512 = createHash('sha512').update(verifier).digest('base64').replace(/\+/g, '_').replace(/\//g, '-');
		for (const [method, challenge] of [['S256', s256], ['S512', s512]] as const) {
			const wrongCode = (await authorize({ code_challenge: challenge, code_challenge_method: method })).searchParams.get('code')!;
			const wrong = await token({ grant_type: 'authorization_code', code: wrongCode, redirect_uri: REDIRECT, code_verifier: 'nope' });
			expect(wrong.json.error).toBe('invalid_grant');
			const code = (await authorize({ code_challenge: challenge, code_challenge_method: method })).searchParams.get('code')!;
			const ok = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
			expect(ok.status).toBe(200);
		}
		// Cura's public client: no secret, PKCE mandatory.
		const cura = 'um----------------------------ultimaker_cura';
		const query = new URLSearchParams({ response_type: 'code', client_id: cura, redirect_uri: 'http://localhost:32118/callback', scope: 'openid', code_challenge: s512, code_challenge_method: 'S512' });
		const code = new URL((await httpRequest('GET', `${emu.url}/authorize?${query}`)).headers.location!).searchParams.get('code')!;
		const ok = await token({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:32118/callback', code_verifier: verifier, client_id: cura }, false);
		expect(ok.status).toBe(200);
	});

	test('OAuth errors use {error, error_description}', async () => {
		const badClient = await httpRequest('GET', `${emu.url}/authorize?client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code`);
		expect(badClient.status).toBe(400);
		expect(badClient.json.error).toBe('invalid_client');
		const badType = await authorize({ response_type: 'token' });
		expect(badType.searchParams.get('error')).toBe('unsupported_response_type');
		const wrongSecret = await httpRequest('POST', `${emu.url}/token`, {
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${emu.oauthClient.clientId}:wrong`).toString('base64')}` },
			body: 'grant_type=refresh_token&refresh_token=x',
		});
		expect(wrongSecret.status).toBe(401);
		expect(wrongSecret.json.error).toBe('invalid_client');
		const grant = await token({ grant_type: 'client_credentials' });
		expect(grant.json).toEqual({ error: 'unsupported_grant_type', error_description: expect.any(String) });
		const code = (await authorize({})).searchParams.get('code')!;
		expect((await token({ grant_type: 'authorization_code', code, redirect_uri: 'http://elsewhere/cb' })).json.error).toBe('invalid_grant');
		// The token endpoint's form values are not logged.
		const log = await emu.client.controlReply('GET', '/requests');
		const authorizeEntries = log.json.data.filter((r: any) => r.path === '/authorize');
		expect(authorizeEntries.map((r: any) => r.query.client_id)).toContain(emu.oauthClient.clientId);
		const tokenEntry = log.json.data.find((r: any) => r.path === '/token' && r.headers.authorization);
		expect(tokenEntry.headers.authorization).toBe('[redacted]');
		expect(JSON.stringify(log.json)).not.toContain(emu.oauthClient.clientSecret);
	});
});
