/**
 * The one way tests run the action node: n8n-core's real ExecuteContext (n8nContext.ts) with either credential,
 * every output and error scanned for test tokens, and the credential data for an emulator (or any server).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { httpRequest } from '../../emulator';
import type { Emulator } from '../../emulator';
import { UltimakerDigitalFactory } from '../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node';
import type { CredentialStore } from './n8nContext';
import { runNode } from './n8nContext';
import { expectNoSecrets, registerSecret } from './secrets';

export type Auth = 'apiToken' | 'oAuth2' | 'localNetwork';

// ---------------------------------------------------------------------------------------------------------
// Credentials

/** The API-token credential for an emulator (or any server at `url` taking `apiToken`). */
export function apiTokenCredentials(target: { url: string; apiToken: string }, overrides: IDataObject = {}): CredentialStore {
	return { ultimakerDigitalFactoryApi: { apiToken: target.apiToken, baseUrl: target.url, ...overrides } };
}

const REDIRECT_URI = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';

/** Signs in through the emulator's /authorize + /token (what n8n's "Connect my account" does) and returns the credential data. */
export async function oauthCredentials(emu: Emulator, overrides: IDataObject = {}): Promise<CredentialStore> {
	const scope = 'openid connect.cluster.read connect.cluster.write cura.printjob.read cura.printjob.write cura.mesh.read cura.mesh.write library.project.read library.project.write';
	const query = new URLSearchParams({ response_type: 'code', client_id: emu.oauthClient.clientId, redirect_uri: REDIRECT_URI, scope, state: 's' });
	const authorized = await httpRequest('GET', `${emu.url}/authorize?${query}`);
	const code = new URL(String(authorized.headers.location)).searchParams.get('code');
	const basic = Buffer.from(`${emu.oauthClient.clientId}:${emu.oauthClient.clientSecret}`).toString('base64');
	const form = new URLSearchParams({ grant_type: 'authorization_code', code: code ?? '', redirect_uri: REDIRECT_URI }).toString();
	const token = await httpRequest('POST', `${emu.url}/token`, {
		body: form,
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(form), Authorization: `Basic ${basic}` },
	});
	if (token.status !== 200) throw new Error(`OAuth sign-in failed: ${token.status}`);
	registerSecret(token.json.access_token);
	registerSecret(token.json.refresh_token);
	return {
		ultimakerDigitalFactoryOAuth2Api: {
			clientId: emu.oauthClient.clientId,
			clientSecret: emu.oauthClient.clientSecret,
			accountUrl: emu.url,
			baseUrl: emu.url,
			scope,
			oauthTokenData: token.json,
			...overrides,
		},
	};
}

/**
 * The local network credential for the emulator's LAN listener (host = its `127.0.0.1:<port>`), with a pairing
 * when given; the key is registered as a secret, so the scan fails on any output or error that shows it.
 */
export function lanCredentials(emu: Emulator, pairing?: { id: string; key: string }, overrides: IDataObject = {}): CredentialStore {
	registerSecret(pairing?.key);
	return { ultimakerLocalNetworkApi: { host: emu.lanUrl.replace(/^http:\/\//, ''), authId: pairing?.id ?? '', authKey: pairing?.key ?? '', ...overrides } };
}

export async function credentialsFor(emu: Emulator, auth: Auth, overrides: IDataObject = {}): Promise<CredentialStore> {
	if (auth === 'localNetwork') return lanCredentials(emu, undefined, overrides);
	return auth === 'oAuth2' ? await oauthCredentials(emu, overrides) : apiTokenCredentials(emu, overrides);
}

// ---------------------------------------------------------------------------------------------------------
// Running the node

export interface RunOptions {
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	credentials: CredentialStore;
	continueOnFail?: boolean;
}

export interface RunResult {
	items?: INodeExecutionData[];
	error?: any;
	credentials: CredentialStore;
}

/** Runs the action node once; output and error are both scanned for test tokens (a hit throws). */
export async function tryAction(options: RunOptions): Promise<RunResult> {
	const authentication = options.credentials.ultimakerLocalNetworkApi ? 'localNetwork' : options.credentials.ultimakerDigitalFactoryOAuth2Api ? 'oAuth2' : 'apiToken';
	try {
		const output = await runNode({
			nodeType: new UltimakerDigitalFactory(),
			parameters: { authentication, ...options.parameters },
			items: options.items,
			credentials: options.credentials,
			continueOnFail: options.continueOnFail,
		});
		expectNoSecrets(output, 'node output');
		return { items: output[0], credentials: options.credentials };
	} catch (error) {
		if ((error as Error).message?.startsWith('Secret(s) found')) throw error;
		expectNoSecrets(error, 'node error');
		// Newly refreshed OAuth tokens count as secrets from now on.
		const oauth = options.credentials.ultimakerDigitalFactoryOAuth2Api?.oauthTokenData as IDataObject | undefined;
		registerSecret(oauth?.access_token as string | undefined);
		registerSecret(oauth?.refresh_token as string | undefined);
		return { error, credentials: options.credentials };
	}
}

/** Runs the action node and returns its items; a node error is thrown (after the secret scan). */
export async function runAction(options: RunOptions): Promise<INodeExecutionData[]> {
	const result = await tryAction(options);
	if (result.error) throw result.error;
	return result.items!;
}

/** Runs the action node expecting it to fail; its error. */
export async function actionError(options: RunOptions): Promise<Error & Record<string, any>> {
	const result = await tryAction(options);
	if (!result.error) throw new Error('expected the node to fail');
	return result.error;
}

/** A resource locator value "By ID", as workflow JSON has it. */
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
