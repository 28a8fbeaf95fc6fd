/**
 * The Digital Factory cloud as a printer connection (../types.ts): the operations' words mapped onto the Connect
 * and Cura APIs, with the credential's checked values beside them for the cloud-only operations (jobs, files,
 * projects), which call the transport directly.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { PrintJobAction } from '../../core/send/jobActions';
import { REPEATABLE_ACTIONS } from '../../core/send/jobActions';
import { pathId } from '../ids';
import { readEachStatusWith } from '../readEach';
import type { PrinterConnection } from '../printerConnection';
import { clusterSegment, getClusterStatus, listClusters } from './clusterApi';
import type { CloudCredential, UltimakerContext } from './credential';
import { apiData, apiRequest } from './transport/request';
import { uploadBinary } from './twoStageUpload';

export interface CloudConnection extends CloudCredential, PrinterConnection {
	readonly kind: 'cloud';
}

/** Node value → Connect API action and body. Move to top is the API's `move` to position 0 of the queue. */
export const PRINT_ACTIONS: Record<PrintJobAction, { apiAction: string; body?: IDataObject; idempotent: boolean }> = {
	pause: { apiAction: 'pause', idempotent: REPEATABLE_ACTIONS.pause },
	resume: { apiAction: 'resume', idempotent: REPEATABLE_ACTIONS.resume },
	abort: { apiAction: 'abort', idempotent: REPEATABLE_ACTIONS.abort },
	moveToTop: { apiAction: 'move', body: { data: { list: 'queued', to_position: 0 } }, idempotent: REPEATABLE_ACTIONS.moveToTop },
	remove: { apiAction: 'remove', idempotent: REPEATABLE_ACTIONS.remove },
	force: { apiAction: 'force', idempotent: REPEATABLE_ACTIONS.force },
};

/** The cloud connection for one item (or one poll), bound to the n8n context its requests are made through. */
export function cloudConnection(context: UltimakerContext, credential: CloudCredential): CloudConnection {
	const readStatus: CloudConnection['readStatus'] = async (clusterId, options) => await getClusterStatus.call(context, credential, clusterId, options);
	return Object.assign(credential, {
		kind: 'cloud' as const,
		listClusters: async (options: Parameters<CloudConnection['listClusters']>[0]) => await listClusters.call(context, credential, options),
		readStatus,
		readEachStatus: async <C extends { cluster_id: string }>(clusters: C[], options: Parameters<CloudConnection['readStatus']>[1]) =>
			await readEachStatusWith(context.getNode(), readStatus, clusters, options),
		uploadToolpath: async (...args: Parameters<CloudConnection['uploadToolpath']>) =>
			await uploadBinary.call(context as IExecuteFunctions, credential, ...args),
		sendPrint: async (clusterId: string, jobId: string, itemIndex: number) =>
			await apiData.call(context, credential, {
				method: 'POST',
				path: `/connect/v1/clusters/${clusterSegment.call(context, clusterId, itemIndex)}/print/${pathId.call(context, jobId, 'job ID', itemIndex)}`,
				what: `printing job ${jobId} on cluster ${clusterId}`,
				// Never repeated on its own: a repeat could print the part twice.
				retry: 'rateLimitOnly',
				itemIndex,
			}),
		actOnPrintJob: async (clusterId: string, printJobUuid: string, action: PrintJobAction, itemIndex: number) => {
			const { apiAction, body, idempotent } = PRINT_ACTIONS[action];
			const response = await apiRequest.call(context, credential, {
				method: 'POST',
				path: `/connect/v1/clusters/${clusterSegment.call(context, clusterId, itemIndex)}/print_jobs/${pathId.call(context, printJobUuid, 'print job UUID', itemIndex)}/action/${apiAction}`,
				body,
				what: `the ${action} action on print job ${printJobUuid}`,
				retry: idempotent ? 'idempotent' : 'rateLimitOnly',
				itemIndex,
			});
			const data = (response.body as { data?: unknown } | undefined)?.data;
			// Only an object is the action's answer; a list or a scalar is not spread into the item.
			return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as IDataObject) : {};
		},
	});
}
