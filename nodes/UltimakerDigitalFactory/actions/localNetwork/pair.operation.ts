import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readLocalCredential } from '../../connections/local/credential';
import { pairWithPrinter } from '../../connections/local/pair';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Pair with Printer',
	action: 'Pair with a printer',
	description: 'Asks the printer for a pairing: press Allow on its screen, then put the id and key into the credential',
};

export const connections: OperationModule['connections'] = ['localNetwork'];

export const properties: INodeProperties[] = [
	{
		displayName: 'Press Allow on the printer\'s screen while this node runs. Then copy "ID" and "key" from the output into the credential (Pairing ID, Pairing Key).',
		name: 'pairNotice',
		type: 'notice',
		default: '',
	},
	{ displayName: 'Application', name: 'application', type: 'string', default: 'n8n', description: 'Shown on the printer\'s screen as who asks' },
	{ displayName: 'User', name: 'user', type: 'string', default: '', placeholder: 'e.g. workshop automation', description: 'Shown on the printer\'s screen beside the application' },
	{ displayName: 'Timeout (Seconds)', name: 'timeoutSeconds', type: 'number', typeOptions: { minValue: 5, maxValue: 600 }, default: 120, description: 'How long to wait for someone to press Allow or Deny' },
];

/** Output `{ id, key, status }` — the one place the key leaves the node, because it is what the user asked for. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const credential = await readLocalCredential.call(this, itemIndex);
	const application = String(this.getNodeParameter('application', itemIndex, 'n8n') ?? '').trim() || 'n8n';
	const user = String(this.getNodeParameter('user', itemIndex, '') ?? '').trim() || 'n8n';
	const timeoutSeconds = Number(this.getNodeParameter('timeoutSeconds', itemIndex, 120));
	if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
		throw new NodeOperationError(this.getNode(), 'Timeout must be a positive number of seconds', { itemIndex });
	}
	const result = await pairWithPrinter.call(this, credential, { application, user, timeoutSeconds: Math.min(timeoutSeconds, 600), itemIndex });
	const next =
		result.status === 'authorized'
			? 'Put id into Pairing ID and key into Pairing Key of the credential.'
			: result.status === 'unauthorized'
				? 'Someone pressed Deny on the printer. Run the node again to ask anew.'
				: 'Nobody answered on the printer in time. Run the node again and press Allow on the printer\'s screen.';
	return [{ id: result.id, key: result.key, status: result.status, host: credential.host, next_step: next }];
}
