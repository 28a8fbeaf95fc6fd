import type { INodeProperties } from 'n8n-workflow';

import * as action from './action.operation';
import * as send from './send.operation';
import * as uploadAndSend from './uploadAndSend.operation';

export { action, send, uploadAndSend };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['print'] } },
		options: [
			{
				name: 'Print Job Action',
				value: 'action',
				action: 'Pause / resume / abort / move to top / remove / force',
				description: 'Pause, resume, abort, move to top, remove or force a queued or running print job',
			},
			{
				name: 'Send',
				value: 'send',
				action: 'Send print',
				description: 'Queue an uploaded job (job ID) on a cluster; returns job_instance_uuid and status (queued or wait_approval)',
			},
			{
				name: 'Upload and Send',
				value: 'uploadAndSend',
				action: 'Upload and print',
				description: 'Upload a sliced file and queue it on a cluster in one step',
			},
		],
		default: 'uploadAndSend',
	},
	...uploadAndSend.description,
	...send.description,
	...action.description,
];
