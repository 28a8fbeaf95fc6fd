import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';


import type { CloudConnection } from '../../connections/cloud/connection';
import { downloadFile } from '../../connections/cloud/download';
import { apiData } from '../../connections/cloud/transport/request';
import { askUntil } from '../../connections/cloud/waitFor';
import { failureError, unreadableFailure } from '../../connections/failure';
import { parseClusterIds } from '../../core/status/clusters';
import { lastDaysPeriod, looksLikeCsv, parseCsvTables, rangePeriod, reportPhase } from '../../core/report';
import { checkIdSegment } from '../../core/validation';
import { choices, clusterScopeProperties, optionsCollection } from '../descriptions';
import type { OperationItem, OperationModule, OperationOutput } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Create',
	action: 'Create report',
	description:
		'Make a Digital Factory report of the prints of a period (which prints ran, on which printer, how long, with how much material) and return the file (CSV), or one item per row',
};

/** Ultimaker's Python example polls every 2 s; its TypeScript example every 1 s. */
const POLL_INTERVAL_MS = 2000;

export const properties: INodeProperties[] = [
	{
		displayName: 'Report Type',
		name: 'reportType',
		type: 'options',
		default: 'print_jobs',
		options: [{ name: 'Print Jobs', value: 'print_jobs', description: 'Every print of the period: printer, times, material per extruder' }],
		description: 'The kind of report; print_jobs is the one Ultimaker documents',
	},
	...clusterScopeProperties('Clusters', 'Every cluster of the workspace (their IDs are listed and sent)'),
	{
		displayName: 'Period',
		name: 'period',
		type: 'options',
		default: 'lastDays',
		options: choices([
			['Last N Days', 'lastDays', 'The days up to now'],
			['Date Range', 'range', 'From a start date to an end date'],
		]),
	},
	{
		displayName: 'Days',
		name: 'days',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 7,
		displayOptions: { show: { period: ['lastDays'] } },
		description: 'How many days back from now the report covers',
	},
	{
		displayName: 'Start Date',
		name: 'startDate',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { period: ['range'] } },
	},
	{
		displayName: 'End Date',
		name: 'endDate',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { period: ['range'] } },
	},
	{
		displayName: 'Wait for Report',
		name: 'waitForReport',
		type: 'boolean',
		default: true,
		description: 'Whether to wait until the report is ready and download it; off: return the report ID and status at once',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 3600 },
		default: 120,
		displayOptions: { show: { waitForReport: [true] } },
		description: 'How long to wait for the report; past it the node fails with the report ID, so a later run can fetch it (Report ID option)',
	},
	{
		displayName: 'Output',
		name: 'outputRows',
		type: 'boolean',
		default: false,
		displayOptions: { show: { waitForReport: [true] } },
		description: 'Whether to return one item per row of a CSV report (with its table name) instead of one item with the file',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'report',
		displayOptions: { show: { waitForReport: [true], outputRows: [false] } },
		hint: 'The name of the output binary field to put the report file in',
	},
	optionsCollection([
		{
			displayName: 'Report ID',
			name: 'reportId',
			type: 'string',
			default: '',
			description: 'Fetch this earlier report (e.g. from a timed-out run) instead of creating a new one',
		},
	]),
];

interface ReportRequest {
	report_type: string;
	cluster_ids: string[];
	start_date: string;
	end_date: string;
}

function problem(this: IExecuteFunctions, itemIndex: number, message: string, description: string): NodeOperationError {
	return new NodeOperationError(this.getNode(), message, { description, itemIndex });
}

async function readRequest(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<ReportRequest> {
	const period =
		this.getNodeParameter('period', itemIndex, 'lastDays') === 'range'
			? rangePeriod(this.getNodeParameter('startDate', itemIndex, ''), this.getNodeParameter('endDate', itemIndex, ''))
			: lastDaysPeriod(this.getNodeParameter('days', itemIndex, 7), new Date());
	if (!period.ok) throw problem.call(this, itemIndex, period.message, period.hint);
	const reportType = String(this.getNodeParameter('reportType', itemIndex, 'print_jobs') ?? '').trim() || 'print_jobs';
	let clusterIds: string[];
	if (this.getNodeParameter('clusterScope', itemIndex, 'all') === 'selected') {
		clusterIds = parseClusterIds(this.getNodeParameter('clusterIds', itemIndex, []));
		if (clusterIds.length === 0) throw problem.call(this, itemIndex, 'No cluster selected', 'Pick at least one cluster, or choose All Clusters.');
		for (const id of clusterIds) {
			const checked = checkIdSegment(id, 'cluster ID');
			if (!checked.ok) throw problem.call(this, itemIndex, checked.message, checked.hint);
		}
	} else {
		// An empty list is not known to mean "all": every cluster id is sent, as Ultimaker's examples do.
		clusterIds = (await connection.listClusters({ retry: 'idempotent', itemIndex, includeInactive: true })).map((cluster) => cluster.cluster_id);
		if (clusterIds.length === 0) throw problem.call(this, itemIndex, 'The workspace has no clusters to report on', 'Add a printer to Digital Factory first.');
	}
	return { report_type: reportType, cluster_ids: clusterIds, ...period.value };
}

async function readReport(this: IExecuteFunctions, connection: CloudConnection, reportId: string, itemIndex: number): Promise<IDataObject> {
	const segment = checkIdSegment(reportId, 'report ID');
	if (!segment.ok) throw problem.call(this, itemIndex, segment.message, segment.hint);
	return await apiData.call(this, connection, {
		method: 'GET',
		path: `/report/v1/reports/${segment.value}`,
		what: `report ${reportId}`,
		requiredKeys: ['status'],
		retry: 'idempotent',
		itemIndex,
	});
}

function reportFailed(this: IExecuteFunctions, itemIndex: number, reportId: string, status: unknown): Error {
	const error = failureError(this.getNode(), unreadableFailure('GET', `report ${reportId}`, 200), {
		message: `Digital Factory could not make report ${reportId} (status "${String(status)}")`,
		description:
			status === 'failed'
				? 'The report failed on Digital Factory’s side. Try a shorter period or fewer clusters; the fleet-wide report needs a Professional, Excellence or Education subscription.'
				: 'Digital Factory reports its state as unknown. Create the report again; if it keeps happening, check the subscription and the period.',
		itemIndex,
	});
	(error as NodeOperationError).context.report_id = reportId;
	return error;
}

function reportTimeout(this: IExecuteFunctions, itemIndex: number, reportId: string, seconds: number, status: unknown): Error {
	const error = new NodeOperationError(this.getNode(), `Report ${reportId} was not ready within ${seconds} seconds (status "${String(status)}")`, {
		description: `Digital Factory is still making it. Fetch it later: run Create Report with the option Report ID = ${reportId}, or raise the Timeout.`,
		itemIndex,
	});
	error.context.report_id = reportId;
	return error;
}

async function reportItems(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: CloudConnection,
	summary: IDataObject,
): Promise<OperationItem[]> {
	const reportId = String(summary.report_id);
	const file = await downloadFile.call(this, connection, summary.download_url, `report ${reportId}`, itemIndex);
	const fileName = file.fileName && /\.[a-z0-9]{2,5}$/i.test(file.fileName) ? file.fileName : `report-${reportId}.csv`;
	const csv = looksLikeCsv(file.contentType, fileName, file.data.subarray(0, 4096).toString('utf8'));
	if (this.getNodeParameter('outputRows', itemIndex, false) as boolean) {
		if (!csv) {
			throw problem.call(this, itemIndex, `Report ${reportId} is not a CSV file (${file.contentType ?? 'no content type'})`, 'Turn off Output → one item per row to get the file as it is.');
		}
		const tables = parseCsvTables(file.data.toString('utf8'));
		return tables.flatMap((table, tableIndex) =>
			table.rows.map((row) => ({ json: { report_id: reportId, report_table: table.title ?? `table ${tableIndex + 1}`, ...row } as IDataObject })),
		);
	}
	const propertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'report') ?? '').trim() || 'report';
	const mimeType = csv ? 'text/csv' : (file.contentType?.split(';')[0] ?? 'application/octet-stream');
	const binary: IBinaryKeyData = { [propertyName]: await this.helpers.prepareBinaryData(file.data, fileName, mimeType) };
	return [{ json: summary, binary }];
}

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<OperationOutput> {
	const existing = String((this.getNodeParameter('options', itemIndex, {}) as { reportId?: string }).reportId ?? '').trim();
	const wait = this.getNodeParameter('waitForReport', itemIndex, true) as boolean;
	let request: ReportRequest | undefined;
	let created: IDataObject;
	if (existing) {
		created = { report_id: existing };
	} else {
		request = await readRequest.call(this, itemIndex, connection);
		created = await apiData.call(this, connection, {
			method: 'PUT',
			path: '/report/v1/reports',
			body: { data: { ...request } },
			what: 'a new report',
			requiredKeys: ['report_id'],
			// A repeat would make a second report: only a 429 (refused before acting) is retried.
			retry: 'rateLimitOnly',
			itemIndex,
		});
	}
	const reportId = String(created.report_id);
	const summaryOf = (answer: IDataObject): IDataObject => ({
		report_id: reportId,
		status: answer.status ?? null,
		download_url: answer.download_url ?? null,
		report_type: request?.report_type ?? answer.report_type ?? null,
		cluster_ids: request?.cluster_ids ?? answer.cluster_ids ?? null,
		start_date: request?.start_date ?? answer.start_date ?? null,
		end_date: request?.end_date ?? answer.end_date ?? null,
	});
	if (!wait) return [summaryOf(existing ? await readReport.call(this, connection, reportId, itemIndex) : created)];
	const timeoutSeconds = Math.max(1, Number(this.getNodeParameter('timeoutSeconds', itemIndex, 120)) || 120);
	const { answer, timedOut } = await askUntil(
		async () => await readReport.call(this, connection, reportId, itemIndex),
		(report) => reportPhase(report.status) !== 'waiting',
		{ timeoutMs: timeoutSeconds * 1000, intervalMs: POLL_INTERVAL_MS, signal: this.getExecutionCancelSignal() },
	);
	if (timedOut) throw reportTimeout.call(this, itemIndex, reportId, timeoutSeconds, answer.status);
	if (reportPhase(answer.status) === 'failed') throw reportFailed.call(this, itemIndex, reportId, answer.status);
	return { items: await reportItems.call(this, itemIndex, connection, summaryOf(answer)) };
}
