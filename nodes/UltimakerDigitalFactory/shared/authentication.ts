/**
 * The two credential types, the `authentication` parameter that picks one (shared by the action node and the
 * trigger), and the connection every request is made with.
 */
import type {
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodeCredentialDescription,
	INodeProperties,
	IPollFunctions,
	NodeOperationError,
} from 'n8n-workflow';

import { configurationFailure, failureError } from './transport/failure';
import { checkBaseUrl, checkOrigin } from './validation';


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
];

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'API Token', value: 'apiToken' },
		{ name: 'OAuth2', value: 'oAuth2' },
	],
	default: 'apiToken',
};

export type AuthKind = 'apiToken' | 'oAuth2';

/** What every request needs from the credential: which one, its validated Base URL and default upload Origin. */
export interface Connection {
	authKind: AuthKind;
	credentialType: string;
	baseUrl: string;
	defaultOrigin?: string;
}

export type UltimakerContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions | IHookFunctions;

function credentialProblem(this: UltimakerContext, message: string, description: string, itemIndex?: number): NodeOperationError {
	return failureError(this.getNode(), configurationFailure('GET', 'the credential'), { message, description, itemIndex }) as NodeOperationError;
}

/** Reads the credential once per item (or per poll) and checks its Base URL and default Origin. */
export async function getConnection(this: UltimakerContext, authentication: unknown, itemIndex?: number): Promise<Connection> {
	const authKind: AuthKind = authentication === 'oAuth2' ? 'oAuth2' : 'apiToken';
	const credentialType = authKind === 'oAuth2' ? 'ultimakerDigitalFactoryOAuth2Api' : 'ultimakerDigitalFactoryApi';
	const credentials =
		itemIndex === undefined
			? await this.getCredentials(credentialType)
			: await (this as IExecuteFunctions).getCredentials(credentialType, itemIndex);
	const baseUrl = checkBaseUrl(credentials.baseUrl ?? 'https://api.ultimaker.com');
	if (!baseUrl.ok) throw credentialProblem.call(this, `Credential problem: ${baseUrl.message}`, baseUrl.hint, itemIndex);
	const origin = checkOrigin(credentials.origin);
	if (!origin.ok) {
		throw credentialProblem.call(this, `Credential problem (Default Upload Origin): ${origin.message}`, origin.hint, itemIndex);
	}
	return { authKind, credentialType, baseUrl: baseUrl.value, defaultOrigin: origin.value };
}
