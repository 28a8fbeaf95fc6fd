/** Reading a cluster's status for Send print (pure): who is idle, which prints of a job exist, what a status means. */
import type { IDataObject } from 'n8n-workflow';

import type { ApiClusterStatus } from '../../shared/api/types';
import { statusRows } from '../cluster/statusItems';

/** Printers that can start a job now: idle and enabled. */
export function idlePrinters(status: ApiClusterStatus): IDataObject[] {
	return statusRows(status, 'printers').filter((printer) => printer.status === 'idle' && printer.enabled !== false);
}

/** The print-job instances of an uploaded job (`cloud_job_id`) in a status snapshot. */
export function instancesOf(status: ApiClusterStatus, jobId: string): IDataObject[] {
	return statusRows(status, 'print_jobs').filter((job) => job.cloud_job_id === jobId);
}

/** "Lab S5: printing, Bench S3: idle (disabled)" — for messages about why nothing was sent. */
export function printerStates(status: ApiClusterStatus): string {
	return statusRows(status, 'printers')
		.map((printer) => `${String(printer.friendly_name ?? printer.uuid)}: ${String(printer.status)}${printer.enabled === false ? ' (disabled)' : ''}`)
		.join(', ');
}

/** What a print's answer status means, for people running the farm. */
export function explainPrintStatus(status: unknown): string {
	switch (status) {
		case 'queued':
			return 'The job is in the printer queue and starts when a matching printer is free.';
		case 'wait_approval':
			return 'The job is waiting for approval: this workspace requires an operator to approve new jobs in Digital Factory before they enter the print queue.';
		case 'failed':
			return 'Digital Factory could not queue the job; check the file and the printer in Digital Factory.';
		default:
			return `Digital Factory reports the job as "${String(status)}".`;
	}
}
