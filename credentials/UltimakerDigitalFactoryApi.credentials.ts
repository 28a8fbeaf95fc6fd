import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Digital Factory API token (`umapi-…|main`), created by a workspace admin under
 * Digital Factory → Settings → API Tokens. Sent as `Authorization: Bearer <token>` to `baseUrl` only.
 */
export class UltimakerDigitalFactoryApi implements ICredentialType {
	name = 'ultimakerDigitalFactoryApi';

	displayName = 'Ultimaker Digital Factory API';

	icon: Icon = {
		light: 'file:../nodes/UltimakerDigitalFactory/ultimaker.svg',
		dark: 'file:../nodes/UltimakerDigitalFactory/ultimaker.dark.svg',
	};

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
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.ultimaker.com',
			description:
				'Root of the Digital Factory API. Change it only to use a local emulator (plain http is accepted for localhost and 127.0.0.1 only).',
		},
		{
			displayName: 'Default Upload Origin',
			name: 'origin',
			type: 'string',
			default: '',
			placeholder: 'https://your-domain.com',
			description:
				'Optional Origin declared when registering uploads and sent to the storage URL (a bare origin: scheme://host[:port]). Ultimaker recommends setting one.',
		},
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
