import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { digitalFactoryFields, ULTIMAKER_ICON } from './sharedFields';

/**
 * Digital Factory API token (`umapi-…|main`), created by a workspace admin under
 * Digital Factory → Settings → API Tokens. Sent as `Authorization: Bearer <token>` to `baseUrl` only.
 */
export class UltimakerDigitalFactoryApi implements ICredentialType {
	name = 'ultimakerDigitalFactoryApi';

	displayName = 'Ultimaker Digital Factory API';

	icon: Icon = ULTIMAKER_ICON;

	documentationUrl = 'https://docs.api.ultimaker.com/authentication/api-tokens.html';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'umapi-…|main',
			description:
				'The token from Digital Factory → Settings → API Tokens (shown only once when it is created). It works only in the workspace where it was created.',
		},
		...digitalFactoryFields,
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				// Trimmed: a token pasted with a trailing newline would otherwise make an invalid header.
				Authorization: '=Bearer {{$credentials.apiToken.trim()}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/connect/v1/clusters',
			method: 'GET',
		},
	};
}
