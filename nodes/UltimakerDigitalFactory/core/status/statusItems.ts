/** Get cluster status's output shapes (pure). */
import type { IDataObject } from 'n8n-workflow';

import type { ApiClusterStatus, ApiPrinterStatus, ApiPrintJobStatus } from './model';
import { printJobItem } from './printJobs';

export type StatusSplit = 'none' | 'printers' | 'printJobs';

/**
 * A row of a status list, typed with the model and still an n8n object: the row itself, every field as the API
 * gave it (unknown ones included), so it can be output as it is. Only its being an object is checked.
 */
export type PrinterRow = ApiPrinterStatus & IDataObject;
export type PrintJobRow = ApiPrintJobStatus & IDataObject;

/** The objects of one of the status lists (a missing or malformed list reads as empty). */
export function statusRows(status: ApiClusterStatus, key: 'printers'): PrinterRow[];
export function statusRows(status: ApiClusterStatus, key: 'print_jobs'): PrintJobRow[];
export function statusRows(status: ApiClusterStatus, key: 'printers' | 'print_jobs'): Array<PrinterRow | PrintJobRow> {
	const rows: unknown = status[key];
	return Array.isArray(rows) ? rows.filter((row): row is PrinterRow | PrintJobRow => typeof row === 'object' && row !== null) : [];
}

/**
 * The status snapshot as output items: one item (the API's `data`), or one per printer / print job with the
 * cluster id and snapshot time added so each item stands on its own. Print jobs carry `reference`,
 * `blocked_reason` and the two blocking lists either way (printJobs.ts).
 */
export function splitStatus(status: ApiClusterStatus, clusterId: string, split: StatusSplit): IDataObject[] {
	if (split === 'none') {
		const whole = { ...status } as IDataObject;
		if (Array.isArray(status.print_jobs)) whole.print_jobs = statusRows(status, 'print_jobs').map(printJobItem);
		return [whole];
	}
	const rows = split === 'printers' ? statusRows(status, 'printers') : statusRows(status, 'print_jobs').map(printJobItem);
	return rows.map((row) => ({ ...row, cluster_id: clusterId, generated_time: status.generated_time }));
}
