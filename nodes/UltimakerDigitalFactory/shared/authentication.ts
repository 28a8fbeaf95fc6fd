import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

/** The two credential types, chosen by the `authentication` parameter; shared by the action node and the trigger. */
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
