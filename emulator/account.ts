/**
 * Auth: static API tokens and the account service's OAuth2 endpoints (`/authorize`, `/token` with code and
 * rotating refresh tokens, PKCE S256 and Ultimaker's S512, `/check-token`), as one route table.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Context } from './http';
import { HttpError, readBody, send, sendJson } from './http';
import type { ApiTable, Runtime } from './runtime';
import { apiRoutes } from './runtime';
import type { TokenRecord } from './state';
import { EMULATOR_USER } from './view';

/** Validates `Authorization: Bearer <token>`: 401 missing/unknown, 403 tokenExpired. */
export function requireToken(rt: Runtime, ctx: Context): TokenRecord {
	const header = ctx.req.headers.authorization;
	const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
	if (!match) {
		throw new HttpError(401, 'unauthorized', 'Unauthorized', 'An "Authorization: Bearer <token>" header is required.', {
			'WWW-Authenticate': 'Bearer',
		});
	}
	const record = rt.state.tokens.get(match[1]!);
	if (!record) {
		throw new HttpError(401, 'unauthorized', 'Unauthorized', 'The token is not valid.', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
	}
	if (record.expired || (record.expiresAt !== null && rt.clock.now() >= record.expiresAt)) {
		throw new HttpError(403, 'tokenExpired', 'The token has expired', 'The access token has expired; refresh it or create a new API token.');
	}
	return record;
}

class OAuthError extends Error {
	constructor(
		readonly status: number,
		readonly error: string,
		readonly description: string,
	) {
		super(description);
	}
}

function sendOAuthError(ctx: Context, e: OAuthError): void {
	const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
	if (e.status === 401) headers['WWW-Authenticate'] = 'Basic realm="account"';
	sendJson(ctx, e.status, { error: e.error, error_description: e.description }, headers);
}

/** Ultimaker's S512: SHA-512, base64 with `_` for `+` and `-` for `/`, padding kept. */
export function s512Challenge(verifier: string): string {
	return createHash('sha512').update(verifier).digest('base64').replace(/\+/g, '_').replace(/\//g, '-');
}

export function s256Challenge(verifier: string): string {
	return createHash('sha256').update(verifier).digest('base64url');
}

function base64url(value: unknown): string {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function idToken(rt: Runtime, clientId: string, now: number, orgId: string | null): string {
	const header = base64url({ alg: 'HS256', typ: 'JWT' });
	const payload = base64url({
		iss: 'account.ultimaker.com',
		aud: clientId,
		sub: EMULATOR_USER.user_id,
		name: 'Emulator User',
		email: 'emulator-user@example.invalid',
		customer_type: '02_enterprise',
		org_id: orgId ?? EMULATOR_USER.organization_id,
		iat: Math.floor(now / 1000),
		exp: Math.floor(now / 1000) + rt.options.accessTokenSeconds,
	});
	const signature = createHmac('sha256', 'emulator-id-token-key').update(`${header}.${payload}`).digest('base64url');
	return `${header}.${payload}.${signature}`;
}

function issueTokens(rt: Runtime, clientId: string, scope: string, orgId: string | null): Record<string, unknown> {
	const now = rt.clock.now();
	const accessToken = `umat-${rt.state.ids.secret(32)}`;
	const refreshToken = `umrt-${rt.state.ids.secret(32)}`;
	rt.state.tokens.set(accessToken, {
		token: accessToken,
		kind: 'oauth',
		expiresAt: now + rt.options.accessTokenSeconds * 1000,
		expired: false,
		scope,
		clientId,
	});
	rt.state.refreshTokens.set(refreshToken, { token: refreshToken, clientId, scope, used: false });
	const body: Record<string, unknown> = {
		token_type: 'bearer',
		access_token: accessToken,
		refresh_token: refreshToken,
		expires_in: rt.options.accessTokenSeconds,
		scope,
	};
	if (scope.split(' ').includes('openid')) body.id_token = idToken(rt, clientId, now, orgId);
	return body;
}

/** Client authentication: HTTP Basic (client_secret_basic) or form fields; public clients need no secret. */
function authenticateClient(rt: Runtime, ctx: Context, form: URLSearchParams): string {
	let clientId = form.get('client_id');
	let clientSecret = form.get('client_secret');
	const header = ctx.req.headers.authorization;
	if (header && /^Basic\s+/i.test(header)) {
		const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon < 0) throw new OAuthError(401, 'invalid_client', 'Malformed HTTP Basic client credentials.');
		clientId = decodeURIComponent(decoded.slice(0, colon));
		clientSecret = decodeURIComponent(decoded.slice(colon + 1));
	}
	if (!clientId) throw new OAuthError(401, 'invalid_client', 'Client authentication failed: no client_id.');
	const client = rt.options.oauthClients.find((c) => c.clientId === clientId);
	if (!client) throw new OAuthError(401, 'invalid_client', 'Client authentication failed: unknown client.');
	if (client.clientSecret !== null && client.clientSecret !== clientSecret) {
		throw new OAuthError(401, 'invalid_client', 'Client authentication failed: wrong client secret.');
	}
	return client.clientId;
}

function verifyPkce(method: string, challenge: string, verifier: string | null): void {
	if (!verifier) throw new OAuthError(400, 'invalid_grant', 'code_verifier is required for this authorization code.');
	const expected = method === 'S512' ? s512Challenge(verifier) : method === 'S256' ? s256Challenge(verifier) : verifier;
	if (expected !== challenge) throw new OAuthError(400, 'invalid_grant', 'The code_verifier does not match the code_challenge.');
}

/** `GET /authorize`: redirects back with a one-time code, or with an OAuth error once the redirect URI is known. */
function authorize(ctx: Context, rt: Runtime): void {
	const q = ctx.query;
	const clientId = q.get('client_id');
	const redirectUri = q.get('redirect_uri');
	const client = rt.options.oauthClients.find((c) => c.clientId === clientId);
	// Without a valid client and redirect URI there is nowhere safe to redirect to.
	if (!client) return sendOAuthError(ctx, new OAuthError(400, 'invalid_client', 'Unknown client_id.'));
	let redirect: URL;
	try {
		redirect = new URL(redirectUri ?? '');
	} catch {
		return sendOAuthError(ctx, new OAuthError(400, 'invalid_request', 'redirect_uri is required and must be an absolute URL.'));
	}
	const redirectBack = (params: Record<string, string>) => {
		for (const [name, value] of Object.entries(params)) redirect.searchParams.set(name, value);
		const state = q.get('state');
		if (state !== null) redirect.searchParams.set('state', state);
		send(ctx, 302, null, { Location: redirect.toString() });
	};
	const refusal = authorizeRefusal(q, client.clientSecret === null);
	if (refusal) return redirectBack({ error: refusal[0], error_description: refusal[1] });
	const code = rt.state.ids.secret(24);
	const challenge = q.get('code_challenge');
	rt.state.codes.set(code, {
		code,
		clientId: client.clientId,
		redirectUri: redirectUri!,
		scope: q.get('scope') ?? '',
		codeChallenge: challenge,
		codeChallengeMethod: challenge ? (q.get('code_challenge_method') ?? 'plain') : null,
		expiresAt: rt.clock.now() + 600_000,
		used: false,
		organizationId: q.get('organization_id'),
	});
	redirectBack({ code });
}

/** What is wrong with an authorization request, as `[error, description]`; null when nothing is. */
function authorizeRefusal(q: URLSearchParams, publicClient: boolean): [string, string] | null {
	if (q.get('response_type') !== 'code') return ['unsupported_response_type', 'response_type must be code.'];
	const challenge = q.get('code_challenge');
	const method = challenge ? (q.get('code_challenge_method') ?? 'plain') : null;
	if (method !== null && !['S256', 'S512', 'plain'].includes(method)) return ['invalid_request', 'code_challenge_method must be S256 or S512.'];
	if (publicClient && !challenge) return ['invalid_request', 'Public clients must use PKCE (code_challenge).'];
	return null;
}

/** The `/token` body as form fields: `application/x-www-form-urlencoded`, or a JSON object. */
async function readTokenForm(ctx: Context): Promise<URLSearchParams> {
	const raw = (await readBody(ctx, 64 * 1024)).toString('utf8');
	const type = ctx.req.headers['content-type'] ?? '';
	if (!type.includes('application/json')) return new URLSearchParams(raw);
	try {
		return new URLSearchParams(Object.entries(JSON.parse(raw) as Record<string, string>).map(([k, v]) => [k, String(v)] as [string, string]));
	} catch {
		throw new OAuthError(400, 'invalid_request', 'The body is not valid JSON.');
	}
}

function grantAuthorizationCode(rt: Runtime, clientId: string, form: URLSearchParams): Record<string, unknown> {
	const code = rt.state.codes.get(form.get('code') ?? '');
	if (!code || code.used || rt.clock.now() >= code.expiresAt) {
		throw new OAuthError(400, 'invalid_grant', 'The authorization code is invalid, expired or already used.');
	}
	if (code.clientId !== clientId) throw new OAuthError(400, 'invalid_grant', 'The authorization code was issued to another client.');
	if (form.get('redirect_uri') !== code.redirectUri) throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match the authorization request.');
	if (code.codeChallenge) verifyPkce(code.codeChallengeMethod ?? 'plain', code.codeChallenge, form.get('code_verifier'));
	code.used = true;
	return issueTokens(rt, clientId, code.scope, code.organizationId);
}

function grantRefreshToken(rt: Runtime, clientId: string, form: URLSearchParams): Record<string, unknown> {
	const record = rt.state.refreshTokens.get(form.get('refresh_token') ?? '');
	if (!record || record.used) throw new OAuthError(400, 'invalid_grant', 'The refresh token is invalid or was already used.');
	if (record.clientId !== clientId) throw new OAuthError(400, 'invalid_grant', 'The refresh token was issued to another client.');
	// Rotation: the old refresh token is dead from now on.
	record.used = true;
	return issueTokens(rt, clientId, record.scope, null);
}

const GRANTS = new Map<string, (rt: Runtime, clientId: string, form: URLSearchParams) => Record<string, unknown>>([
	['authorization_code', grantAuthorizationCode],
	['refresh_token', grantRefreshToken],
]);

/** `POST /token`: the client authenticated first, then the grant; OAuth errors answer in OAuth's own format. */
async function token(ctx: Context, rt: Runtime): Promise<void> {
	try {
		const form = await readTokenForm(ctx);
		const clientId = authenticateClient(rt, ctx, form);
		const grantType = form.get('grant_type');
		const grant = GRANTS.get(grantType ?? '');
		if (!grant) {
			throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${JSON.stringify(grantType)} is not supported (authorization_code, refresh_token).`);
		}
		sendJson(ctx, 200, grant(rt, clientId, form), { 'Cache-Control': 'no-store' });
	} catch (error) {
		if (error instanceof OAuthError) return sendOAuthError(ctx, error);
		throw error;
	}
}

function checkToken(ctx: Context): void {
	sendJson(ctx, 200, {
		data: {
			user_id: EMULATOR_USER.user_id,
			username: EMULATOR_USER.username,
			profile_image_url: `${ctx.baseUrl}/static/avatar.png`,
			organization: { organization_id: EMULATOR_USER.organization_id, name: 'Emulator Workspace' },
			subscriptions: [],
		},
	});
}

const PERMISSIONS = ['digital-factory.print-job.read', 'digital-factory.print-job.write', 'digital-factory.print-job.write.own', 'digital-factory.printer.read'];

function openidConfiguration(ctx: Context): void {
	sendJson(ctx, 200, {
		issuer: 'account.ultimaker.com',
		authorization_endpoint: `${ctx.baseUrl}/authorize`,
		token_endpoint: `${ctx.baseUrl}/token`,
		jwks_uri: `${ctx.baseUrl}/.well-known/jwks`,
		response_types_supported: ['code'],
		grant_types_supported: ['authorization_code', 'refresh_token'],
		token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
		code_challenge_methods_supported: ['S256', 'S512'],
	});
}

export const accountRoutes: ApiTable = [
	...apiRoutes('none', {
		'GET /authorize': authorize,
		'POST /token': token,
	}),
	...apiRoutes('bearer', {
		'GET /check-token': checkToken,
		'GET /users/permissions': (ctx) => sendJson(ctx, 200, { data: { permissions: PERMISSIONS } }),
	}),
	...apiRoutes('none', {
		'GET /.well-known/openid-configuration': openidConfiguration,
	}),
];
