import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { ULTIMAKER_ICON } from './sharedFields';

/**
 * An Ultimaker printer group on the local network, reached through the group host's own API (the one Ultimaker
 * Cura's "print over network" uses), over plain http. Reads need no pairing on the firmware we know of; writes
 * (upload, job actions) are signed with HTTP Digest using the id and key from pairing (the node builds the Digest
 * header itself, with the algorithm the printer asks for). The host is checked by the node (core/validation.ts
 * `checkLocalHost`): private, link-local or loopback addresses and `.local` names only.
 */
export class UltimakerLocalNetworkApi implements ICredentialType {
	name = 'ultimakerLocalNetworkApi';

	displayName = 'Ultimaker Local Network API';

	icon: Icon = ULTIMAKER_ICON;

	documentationUrl = 'https://github.com/Ultimaker/Cura/tree/main/plugins/UM3NetworkPrinting';

	properties: INodeProperties[] = [
		{
			displayName: 'Printer Host',
			name: 'host',
			type: 'string',
			required: true,
			default: '',
			placeholder: '192.168.1.50',
			description:
				'IP address or name of the printer that hosts the group (optionally with :port). Local network addresses only: private, link-local or loopback IPs and .local names. No path, no http(s) prefix needed.',
		},
		{
			displayName: 'Pairing ID',
			name: 'authId',
			type: 'string',
			default: '',
			description: 'The "id" from the node\'s "Pair with Printer" operation. Leave both pairing fields empty for read-only use.',
		},
		{
			displayName: 'Pairing Key',
			name: 'authKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The "key" from "Pair with Printer" (after someone pressed Allow on the printer\'s screen).',
		},
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{"http://" + $credentials.host.trim().replace(/^http:\\/\\//i, "").replace(/\\/+$/, "")}}',
			url: '/cluster-api/v1/printers',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'length',
					value: 0,
					message: 'This printer is not the host of its group: use the address of the group host (the printer whose group lists the others).',
				},
			},
		],
	};
}
