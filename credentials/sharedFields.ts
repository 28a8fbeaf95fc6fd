/** What the credential types have in common: the icon (all three), Base URL and upload origin (the two Digital Factory ones). */
import type { Icon, INodeProperties } from 'n8n-workflow';

export const ULTIMAKER_ICON: Icon = {
	light: 'file:../nodes/UltimakerDigitalFactory/ultimaker.svg',
	dark: 'file:../nodes/UltimakerDigitalFactory/ultimaker.dark.svg',
};

export const digitalFactoryFields: INodeProperties[] = [
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
