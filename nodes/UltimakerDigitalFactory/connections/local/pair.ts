/**
 * Pairing (lan-cluster-api.md §3.2): `POST /api/v1/auth/request` with `application` and `user` → `{id, key}` [C];
 * someone presses Allow or Deny on the printer's screen; `GET /api/v1/auth/check/{id}` answers
 * `{"message": "authorized" | "unauthorized" | "unknown"}` ("unknown": not answered yet [S]) — polled once a
 * second (as a community client does [C: scardrail]) until an answer or the timeout. Newer firmware may no longer
 * offer `auth/check` [I: Cura 2025 stopped calling it]: a 404 there is answered with `auth/verify` (Digest with
 * the new id/key, 200 once allowed [S]) instead.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { asNodeError, failureOf } from '../failure';
import type { LocalCredential } from './credential';
import { pairingIdSegment } from './connection';
import { DigestSigner } from './digest';
import { jsonOf, localRequest, localSession } from './transport';

export type PairingStatus = 'authorized' | 'unauthorized' | 'timeout';

const CHECK_EVERY_MS = 1000;

export async function pairWithPrinter(
	this: IExecuteFunctions,
	credential: LocalCredential,
	options: { application: string; user: string; timeoutSeconds: number; itemIndex: number },
): Promise<{ id: string; key: string; status: PairingStatus }> {
	const { itemIndex } = options;
	const open = localSession({ ...credential, authId: '', authKey: '' });
	const request = {
		method: 'POST' as const,
		path: '/api/v1/auth/request',
		json: { application: options.application, user: options.user },
		what: 'the pairing request',
		// A repeat would show a second prompt on the printer: never repeated.
		retry: 'rateLimitOnly' as const,
		itemIndex,
	};
	const answer = jsonOf.call(this, request, await localRequest.call(this, open, request), 'object') as IDataObject;
	const id = typeof answer.id === 'string' ? answer.id : '';
	const key = typeof answer.key === 'string' ? answer.key : '';
	const segment = pairingIdSegment(id);
	if (!segment || key === '') {
		throw new NodeOperationError(this.getNode(), 'The printer answered the pairing request without a usable id and key', { itemIndex });
	}
	const paired = localSession({ ...credential, authId: id, authKey: key });
	paired.signer = new DigestSigner(id, key);
	const deadline = Date.now() + Math.max(1, options.timeoutSeconds) * 1000;
	let checkMissing = false;
	while (Date.now() < deadline) {
		if (this.getExecutionCancelSignal?.()?.aborted) break;
		if (!checkMissing) {
			try {
				const check = { method: 'GET' as const, path: `/api/v1/auth/check/${segment}`, what: 'the pairing check', retry: 'idempotent' as const, itemIndex };
				const reply = jsonOf.call(this, check, await localRequest.call(this, open, check), 'object') as IDataObject;
				if (reply.message === 'authorized' || reply.message === 'unauthorized') return { id, key, status: reply.message };
			} catch (error) {
				if (failureOf(error)?.status !== 404) throw asNodeError(this.getNode(), error, itemIndex);
				checkMissing = true;
			}
		} else {
			try {
				await localRequest.call(this, paired, { method: 'GET', path: '/api/v1/auth/verify', what: 'the pairing check', retry: 'idempotent', itemIndex });
				return { id, key, status: 'authorized' };
			} catch (error) {
				if (failureOf(error)?.status === 403) return { id, key, status: 'unauthorized' };
				if (failureOf(error)?.status !== 401) throw asNodeError(this.getNode(), error, itemIndex);
				paired.signer = new DigestSigner(id, key);
			}
		}
		await sleep(CHECK_EVERY_MS);
	}
	return { id, key, status: 'timeout' };
}
