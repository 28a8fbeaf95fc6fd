/**
 * Send print's Reference: a print carries the reference of its job, which the job got in its name when it was
 * uploaded (Digital Factory's print call takes nothing else). So Send print checks, before sending, that the job
 * carries the reference the workflow expects — a print never goes out under another order's reference.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { referenceOf } from '../../core/reference';
import { apiData } from '../../connections/cloud/transport/request';
import { pathId } from '../../connections/ids';

export async function assertJobReference(
	this: IExecuteFunctions,
	connection: CloudConnection,
	jobId: string,
	reference: string,
	itemIndex: number,
): Promise<void> {
	const job = await apiData.call(this, connection, {
		method: 'GET',
		path: `/cura/v1/jobs/${pathId.call(this, jobId, 'job ID', itemIndex)}`,
		what: `job ${jobId}`,
		retry: 'idempotent',
		itemIndex,
	});
	const carried = referenceOf(job.job_name);
	if (carried === reference) return;
	const has = carried === null ? 'carries no reference' : `carries the reference "${carried}"`;
	throw new NodeOperationError(this.getNode(), `Job ${jobId} ${has}, not "${reference}"; nothing was sent`, {
		description:
			`A print carries the reference its job was uploaded with (kept in the job name, here "${String(job.job_name ?? '')}"). ` +
			`Upload the file with Reference "${reference}" (Upload Job or Upload and Print) and send that job, or leave Reference empty.`,
		itemIndex,
	});
}
