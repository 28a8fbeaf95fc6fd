/** The local network credential, read once per item (or poll) and checked: host, pairing id and key. */
import type { IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import { checkLocalHost } from '../../core/validation';
import type { UltimakerContext } from '../cloud/credential';
import { configurationFailure, failureError } from '../failure';
import { secretList } from '../redact';

export const LOCAL_CREDENTIAL_TYPE = 'ultimakerLocalNetworkApi';

export interface LocalCredential {
	/** `host[:port]`, checked to be a local network address. */
	host: string;
	baseUrl: string;
	authId: string;
	authKey: string;
	secrets: string[];
}

function problem(this: UltimakerContext, message: string, description: string, itemIndex?: number): NodeOperationError {
	return failureError(this.getNode(), configurationFailure('GET', 'the credential'), { message, description, itemIndex }) as NodeOperationError;
}

export async function readLocalCredential(this: UltimakerContext, itemIndex?: number): Promise<LocalCredential> {
	const credentials =
		itemIndex === undefined ? await this.getCredentials(LOCAL_CREDENTIAL_TYPE) : await (this as IExecuteFunctions).getCredentials(LOCAL_CREDENTIAL_TYPE, itemIndex);
	const host = checkLocalHost(credentials.host);
	if (!host.ok) throw problem.call(this, `Credential problem: ${host.message}`, host.hint, itemIndex);
	const authId = typeof credentials.authId === 'string' ? credentials.authId.trim() : '';
	const authKey = typeof credentials.authKey === 'string' ? credentials.authKey.trim() : '';
	if ((authId === '') !== (authKey === '')) {
		throw problem.call(
			this,
			'Credential problem: the pairing needs both an ID and a key',
			'Fill in both "Pairing ID" and "Pairing Key" from Pair with Printer, or leave both empty for read-only use.',
			itemIndex,
		);
	}
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f"\\]/.test(authId)) {
		throw problem.call(this, 'Credential problem: the pairing ID contains characters an ID has not', 'Paste the "id" from Pair with Printer again.', itemIndex);
	}
	return { host: host.value, baseUrl: `http://${host.value}`, authId, authKey, secrets: secretList([authKey]) };
}
