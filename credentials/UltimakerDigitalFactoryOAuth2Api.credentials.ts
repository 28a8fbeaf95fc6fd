import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import { digitalFactoryFields, ULTIMAKER_ICON } from './sharedFields';

const defaultScopes = [
	'openid',
	'connect.cluster.read',
	'connect.cluster.write',
	'cura.printjob.read',
	'cura.printjob.write',
	'cura.mesh.read',
	'cura.mesh.write',
	'library.project.read',
	'library.project.write',
];

/**
 * Digital Factory OAuth2 (authorization-code grant at account.ultimaker.com). n8n stores and refreshes the
 * tokens (access tokens live 10 minutes; refresh tokens rotate). `accountUrl` is an addition to the design so
 * the flow can be pointed at a local emulator; the hidden authUrl/accessTokenUrl derive from it.
 */
export class UltimakerDigitalFactoryOAuth2Api implements ICredentialType {
	name = 'ultimakerDigitalFactoryOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Ultimaker Digital Factory OAuth2 API';

	icon: Icon = ULTIMAKER_ICON;

	documentationUrl = 'https://docs.api.ultimaker.com/authentication/flow.html';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Account URL',
			name: 'accountUrl',
			type: 'string',
			default: 'https://account.ultimaker.com',
			description:
				'The Ultimaker account (OAuth) server. Change it only to use a local emulator.',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: '={{$self["accountUrl"].replace(/\\/+$/, "")}}/authorize',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{$self["accountUrl"].replace(/\\/+$/, "")}}/token',
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: defaultScopes.join(' '),
			description: 'Space-separated OAuth scopes. The defaults cover every operation of the node.',
		},
		{
			displayName: 'Workspace (Organization) ID',
			name: 'organizationId',
			type: 'string',
			default: '',
			description:
				'Optional. Selects the Digital Factory workspace at login (sent as organization_id); without it, users with several workspaces are asked to pick one.',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default:
				'={{$self["organizationId"] ? "organization_id=" + encodeURIComponent($self["organizationId"]) : ""}}',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
		...digitalFactoryFields,
	];
}
