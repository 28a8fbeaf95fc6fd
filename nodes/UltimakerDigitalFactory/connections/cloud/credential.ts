/**
 * The two credential types, the `authentication` parameter that picks one (shared by the action node and the
 * trigger), and the connection every request is made with.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodeCredentialDescription,
	INodeProperties,
	IPollFunctions,
	NodeOperationError,
} from 'n8n-workflow';

import { configurationFailure, failureError } from '../failure';
import { secretList } from '../redact';
import { choices } from '../../actions/descriptions';
import type { Checked } from '../../core/validation';
import { checkBaseUrl, checkOrigin } from '../../core/validation';

/** The credential types, shown for the matching `authentication` value. */
export const credentials: INodeCredentialDescription[] = [
	{
		name: 'ultimakerDigitalFactoryApi',
		required: true,
		displayOptions: { show: { authentication: ['apiToken'] } },
	},
	{
		name: 'ultimakerDigitalFactoryOAuth2Api',
		required: true,
		displayOptions: { show: { authentication: ['oAuth2'] } },
	},
	{
		name: 'ultimakerLocalNetworkApi',
		required: true,
		displayOptions: { show: { authentication: ['localNetwork'] } },
	},
];

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: choices([
		['API Token', 'apiToken'],
		['OAuth2', 'oAuth2'],
		['Local Network (Printer API)', 'localNetwork', 'The printers\' own API on your network: no Digital Factory account needed'],
	]),
	default: 'apiToken',
};

export type AuthKind = 'apiToken' | 'oAuth2';

/** Where a workspace admin makes an API token. */
export const TOKEN_PAGE = 'Digital Factory → Settings → API Tokens';

/** What every request needs from the credential: which one, its validated Base URL and default upload Origin. */
export interface CloudCredential {
	authKind: AuthKind;
	credentialType: string;
	baseUrl: string;
	defaultOrigin?: string;
	/**
	 * The credential's secret values (token, OAuth2 tokens, client secret), so every text that leaves the node can
	 * be cleaned of them even when a server echoes them bare. Grows when n8n refreshes the OAuth2 token.
	 */
	secrets: string[];
}

export type UltimakerContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions | IHookFunctions;

function credentialProblem(this: UltimakerContext, message: string, description: string, itemIndex?: number): NodeOperationError {
	return failureError(this.getNode(), configurationFailure('GET', 'the credential'), { message, description, itemIndex }) as NodeOperationError;
}

/** A token as it goes into the Authorization header: one line of printable characters. */
function checkTokenText(value: unknown, label: string, fix: string): Checked<string> {
	const token = typeof value === 'string' ? value.trim() : '';
	if (token === '') return { ok: false, message: `The credential has no ${label}`, hint: fix };
	if (/[\r\n]/.test(token)) {
		return { ok: false, message: `The ${label} in the credential contains a line break`, hint: `A token is one line. ${fix}` };
	}
	if (/[^\x21-\x7e]/.test(token)) {
		return { ok: false, message: `The ${label} in the credential contains a space or a character no token has`, hint: fix };
	}
	return { ok: true, value: token };
}

const PASTE_TOKEN = `Open the credential, clear "API Token" and paste the token (umapi-…|main) from ${TOKEN_PAGE} again, on one line.`;
const CONNECT =
	'Open the credential and click "Connect my account" (or "Reconnect") to sign in at Ultimaker, then save the credential.';

/**
 * The credential can be used: an API token that is one line of token characters, or an OAuth2 credential that
 * has been connected (n8n sends nothing without an access token, and a line break would break the header).
 */
function checkCredentialSecret(authKind: AuthKind, credentials: ICredentialDataDecryptedObject): Checked<string[]> {
	if (authKind === 'apiToken') {
		const token = checkTokenText(credentials.apiToken, 'API token', PASTE_TOKEN);
		return token.ok ? { ok: true, value: secretList([credentials.apiToken]) } : token;
	}
	const tokens = credentials.oauthTokenData as IDataObject | undefined;
	if (typeof tokens !== 'object' || tokens === null || !tokens.access_token) {
		return { ok: false, message: 'The OAuth2 credential is not connected to an Ultimaker account', hint: CONNECT };
	}
	const access = checkTokenText(tokens.access_token, 'OAuth2 access token', CONNECT);
	if (!access.ok) return access;
	return { ok: true, value: secretList([tokens.access_token, tokens.refresh_token, tokens.id_token, credentials.clientSecret]) };
}

/** Reads the credential once per item (or per poll) and checks its token, Base URL and default Origin. */
export async function readCloudCredential(this: UltimakerContext, authentication: unknown, itemIndex?: number): Promise<CloudCredential> {
	const authKind: AuthKind = authentication === 'oAuth2' ? 'oAuth2' : 'apiToken';
	const credentialType = authKind === 'oAuth2' ? 'ultimakerDigitalFactoryOAuth2Api' : 'ultimakerDigitalFactoryApi';
	const credentials =
		itemIndex === undefined
			? await this.getCredentials(credentialType)
			: await (this as IExecuteFunctions).getCredentials(credentialType, itemIndex);
	const secret = checkCredentialSecret(authKind, credentials);
	if (!secret.ok) throw credentialProblem.call(this, `Credential problem: ${secret.message}`, secret.hint, itemIndex);
	const baseUrl = checkBaseUrl(credentials.baseUrl ?? 'https://api.ultimaker.com');
	if (!baseUrl.ok) throw credentialProblem.call(this, `Credential problem: ${baseUrl.message}`, baseUrl.hint, itemIndex);
	const origin = checkOrigin(credentials.origin);
	if (!origin.ok) {
		throw credentialProblem.call(this, `Credential problem (Default Upload Origin): ${origin.message}`, origin.hint, itemIndex);
	}
	return { authKind, credentialType, baseUrl: baseUrl.value, defaultOrigin: origin.value, secrets: secret.value };
}
