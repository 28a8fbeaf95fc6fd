/** Get cluster status's output shapes (pure). */
import type { IDataObject } from 'n8n-workflow';

import type { ApiClusterStatus } from '../../shared/api/types';

export type StatusSplit = 'none' | 'printers' | 'printJobs';

/** The objects of one of the status lists (a missing or malformed list reads as empty). */
export function statusRows(status: ApiClusterStatus, key: 'printers' | 'print_jobs'): IDataObject[] {
	const rows: unknown = status[key];
	return Array.isArray(rows) ? rows.filter((row): row is IDataObject => typeof row === 'object' && row !== null) : [];
}

/**
 * The status snapshot as output items: one item (the API's `data`), or one per printer / print job with the
 * cluster id and snapshot time added so each item stands on its own.
 */
export function splitStatus(status: ApiClusterStatus, clusterId: string, split: StatusSplit): IDataObject[] {
	if (split === 'none') return [status as IDataObject];
	return statusRows(status, split === 'printers' ? 'printers' : 'print_jobs').map((row) => ({
		...row,
		cluster_id: clusterId,
		generated_time: status.generated_time,
	}));
}
