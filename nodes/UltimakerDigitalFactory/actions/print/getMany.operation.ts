import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { apiList } from '../../connections/cloud/transport/request';
import { printJobItem } from '../../core/status/printJobs';
import { choices, readLimit, returnAllAndLimit } from '../descriptions';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Get Many',
	action: 'Get many print jobs',
	description:
		'List print jobs across every cluster of the workspace (running by default; or waiting, history, …), each with its order reference and what blocks it',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		default: 'in_progress',
		// Any value the API accepts can be typed in an expression; these are the ones its reference names.
		options: choices([
			['Deleted', 'deleted', 'Removed from the history'],
			['History', 'history', 'Finished, failed or aborted'],
			['In Progress', 'in_progress', 'Printing, paused, or otherwise started'],
			['Sending', 'sending', 'On their way to a printer'],
			['Waiting', 'waiting', 'Queued, not yet started'],
			['Waiting for Approval', 'wait_approval', 'Held until someone approves them in Digital Factory'],
		]),
		description: 'Which print jobs to list (the API filters on its coarse "state" of each job)',
	},
	...returnAllAndLimit,
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const status = String(this.getNodeParameter('status', itemIndex, 'in_progress') ?? '').trim();
	if (!/^[a-z_]{1,40}$/.test(status)) {
		throw new NodeOperationError(this.getNode(), `"${status.slice(0, 40)}" is not a print job status`, {
			description: 'Use one of in_progress, waiting, wait_approval, sending, history, deleted (one per call).',
			itemIndex,
		});
	}
	const rows = await apiList.call(this, connection, {
		method: 'GET',
		path: '/connect/v1/print_jobs',
		qs: { status },
		what: 'the print job list',
		idKey: 'uuid',
		retry: 'idempotent',
		itemIndex,
		...readLimit.call(this, itemIndex),
	});
	return rows.map((row) => printJobItem(row));
}
