/**
 * Farm history routes: workspace-wide print jobs (`/connect/v1/print_jobs`), reports (`/report/v1/reports`) built
 * from the prints the virtual printers ran (CSV: a prints table and a material table), project comments, webcam
 * snapshot actions with their action status, a maintenance list for API request, and the control route that
 * steers reports and snapshots. Reports and snapshot images are served by the storage listener (another origin,
 * like Ultimaker's signed URLs), so a client must fetch them without the token.
 *
 * What a run keeps (reports, comments, actions, files) hangs off the state object: a reset starts it afresh.
 */
import { deflateSync } from 'node:zlib';

import type { Context } from './http';
import { HttpError, notFound, readDataObject, readObject, send, sendJson, validation } from './http';
import type { ApiTable, Runtime } from './runtime';
import { apiRoutes, synced } from './runtime';
import { getCluster, paginate, requireString } from './apiInput';
import type { ClusterState, PrintJobState } from './stateModel';
import { materialByGuid, materialDisplayName } from './catalog';
import { iso, renderPrintJob } from './view';

export type ReportOutcome = 'success' | 'failed' | 'unknown' | 'never';
export type SnapshotOutcome = 'success' | 'failed' | 'never';

export interface HistoryBehaviour {
	/** How the next reports end; `never` stays `processing`. */
	reportOutcome: ReportOutcome;
	/** Status reads answered `pending`/`processing` before a report is ready. */
	reportPollsBeforeReady: number;
	/** Where `download_url` points: the storage listener (default, another origin) or the API itself. */
	reportDownloadOn: 'storage' | 'api';
	snapshotOutcome: SnapshotOutcome;
	snapshotPollsBeforeDone: number;
}

interface Report {
	id: string;
	cluster_ids: string[];
	start_date: string;
	end_date: string;
	report_type: string;
	polls: number;
	outcome: ReportOutcome;
	pollsBeforeReady: number;
	fileToken: string | null;
}

interface SnapshotAction {
	id: string;
	clusterId: string;
	printerUuid: string;
	polls: number;
	outcome: SnapshotOutcome;
	pollsBeforeDone: number;
	fileToken: string | null;
	createdAt: number;
}

interface Files {
	contentType: string;
	name: string;
	body: Buffer;
}

interface HistoryStore {
	behaviour: HistoryBehaviour;
	reports: Map<string, Report>;
	comments: Map<string, Array<Record<string, unknown>>>;
	actions: Map<string, SnapshotAction>;
	files: Map<string, Files>;
	next: number;
}

const DEFAULT_BEHAVIOUR: HistoryBehaviour = {
	reportOutcome: 'success',
	reportPollsBeforeReady: 1,
	reportDownloadOn: 'storage',
	snapshotOutcome: 'success',
	snapshotPollsBeforeDone: 1,
};

const stores = new WeakMap<object, HistoryStore>();

function store(rt: Runtime): HistoryStore {
	let found = stores.get(rt.state);
	if (!found) {
		found = { behaviour: { ...DEFAULT_BEHAVIOUR }, reports: new Map(), comments: new Map(), actions: new Map(), files: new Map(), next: 1 };
		stores.set(rt.state, found);
	}
	return found;
}

function newId(rt: Runtime, prefix: string): string {
	const s = store(rt);
	return `${prefix}-${rt.state.ids.uuid().slice(0, 8)}${(s.next++).toString(36)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Print jobs across the workspace

/** The coarse `state` of a job, which `?status=` filters on. */
function stateOf(job: PrintJobState, pending: boolean): string {
	if (pending) return 'wait_approval';
	if (['finished', 'aborted', 'failed'].includes(job.status)) return 'history';
	return job.started || !['queued'].includes(job.status) ? 'in_progress' : 'waiting';
}

const PRINT_JOB_STATES = new Set(['wait_approval', 'sending', 'waiting', 'in_progress', 'history', 'deleted']);

function workspaceJobs(rt: Runtime, now: number): Array<Record<string, unknown>> {
	const rows: Array<Record<string, unknown>> = [];
	for (const cluster of rt.state.clusters.values()) {
		const named = (job: PrintJobState) => cluster.printers.find((p) => p.uuid === (job.printed_on_uuid ?? job.printer_uuid ?? job.assigned_to))?.friendly_name ?? null;
		const add = (job: PrintJobState, pending: boolean) =>
			rows.push({ ...renderPrintJob(cluster, job, now), cluster_id: cluster.cluster_id, state: stateOf(job, pending), printer_name: named(job), sent_from: 'cloud' });
		for (const job of cluster.pendingApproval) add(job, true);
		for (const job of cluster.queue) add(job, false);
		for (const job of [...cluster.history, ...cluster.archive]) add(job, false);
	}
	return rows.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
}

function listPrintJobs(ctx: Context, rt: Runtime, now: number): void {
	const statuses = ctx.query.getAll('status').flatMap((value) => value.split(',')).filter(Boolean);
	for (const status of statuses) if (!PRINT_JOB_STATES.has(status)) throw validation(`status: unknown value "${status}"`);
	const clusterIds = ctx.query.getAll('cluster_ids').flatMap((value) => value.split(',')).filter(Boolean);
	const search = ctx.query.get('search')?.toLowerCase() ?? null;
	const rows = workspaceJobs(rt, now)
		.filter((row) => statuses.length === 0 || statuses.includes(String(row.state)))
		.filter((row) => clusterIds.length === 0 || clusterIds.includes(String(row.cluster_id)))
		.filter((row) => search === null || [row.name, row.printer_name, row.owner].some((v) => String(v ?? '').toLowerCase().includes(search)));
	// Like the other lists: a page size the client asks for, every page linked with links.next.
	sendJson(ctx, 200, paginate(ctx, rows, 999_999));
}

// ---------------------------------------------------------------------------------------------------------
// Reports

/** Emulator densities (g/cm³) of the catalog's materials, as UltiMaker's fdm_materials files give them. */
const DENSITIES: Record<string, number> = {
	'506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9': 1.24,
	'9d5d2d7c-4e77-441c-85a0-e9eefd4aa68c': 1.24,
	'1cbfaeb3-1906-4b26-b2e7-6f777a8c197a': 1.27,
	'60636bb4-518f-42e7-8237-fe77b194ebe0': 1.1,
	'28fb4162-db74-49e1-9008-d05f1e8bef5c': 1.14,
	'86a89ceb-4159-47f6-ab97-e9953803d70f': 1.23,
	'12f41353-1a33-415e-8b4f-a775a6c70cc6': 1.27,
	'3ee70a86-77d8-4b87-8005-e4a1bc57d2ce': 1.24,
	'9cfe5bf1-bdc5-4beb-871a-52c70777842d': 1.24,
	'e509f649-9fe6-4b14-ac45-d441438cb4ef': 1.24,
	'03f24266-0291-43c2-a6da-5211892a2699': 1.24,
	'5f9f3de0-045b-48d9-84ec-19db92be7603': 1.27,
	'2f9d2279-9b0e-4765-bf9b-d1e1e13f3c49': 1.1,
	'fe15ed8a-33c3-4f57-a2a7-b4b78a38c3cb': 1.23,
	'7e6207c4-22ff-441a-b261-ff89f166d5f9': 1.22,
};

const csvCell = (value: unknown) => {
	const text = value === null || value === undefined ? '' : String(value);
	return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const csvLine = (cells: unknown[]) => cells.map(csvCell).join(',');

interface ReportPrint {
	cluster: ClusterState;
	job: PrintJobState;
	startedAt: number | null;
	removedAt: number | null;
}

/** Prints that overlap the period (started before its end, not removed before its start), as the support pages say. */
function printsIn(rt: Runtime, report: Report, now: number): ReportPrint[] {
	const start = Date.parse(report.start_date);
	const end = Date.parse(report.end_date);
	const prints: ReportPrint[] = [];
	for (const id of report.cluster_ids) {
		const cluster = rt.state.clusters.get(id);
		if (!cluster) continue;
		for (const job of [...cluster.archive, ...cluster.history, ...cluster.queue]) {
			if (!job.started && !['finished', 'aborted', 'failed'].includes(job.status)) continue;
			const elapsed = Math.min(job.time_total * 1000, Math.max(0, (job.finishedAt ?? now) - job.createdAt));
			const removedAt = job.finishedAt;
			const startedAt = (job.finishedAt ?? now) - elapsed;
			if (startedAt > end || (removedAt !== null && removedAt < start)) continue;
			prints.push({ cluster, job, startedAt, removedAt });
		}
	}
	return prints.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
}

function gramsOf(guid: string | null, volume: number | undefined): number | null {
	if (!guid || volume === undefined || DENSITIES[guid] === undefined) return null;
	return Math.round((volume / 1000) * DENSITIES[guid]! * 100) / 100;
}

/** The report file: a "Prints" table and a "Material consumption" table, separated by a blank line. */
export function reportCsv(rt: Runtime, report: Report, now: number): string {
	const prints = printsIn(rt, report, now);
	const extruderCount = Math.max(1, ...prints.map((p) => p.job.extruders?.length ?? 0));
	const header = ['printer_model', 'printer_name', 'printer_uuid', 'job_uuid', 'job_name', 'owner', 'status', 'queued_at', 'started_at', 'removed_at', 'print_time_s'];
	for (let e = 1; e <= extruderCount; e++) header.push(`Extruder ${e} material`, `Extruder ${e} material_guid`, `Extruder ${e} print_core`, `Extruder ${e} material_used_g`);
	const consumption = new Map<string, { name: string; prints: number; grams: number | null }>();
	const lines = ['Prints', csvLine(header)];
	for (const { cluster, job, startedAt, removedAt } of prints) {
		const printer = cluster.printers.find((p) => p.uuid === (job.printed_on_uuid ?? job.printer_uuid ?? job.assigned_to));
		const cells: unknown[] = [
			printer?.machine_variant ?? job.machine_variant,
			printer?.friendly_name ?? '',
			printer?.uuid ?? '',
			job.uuid,
			job.name,
			job.owner,
			job.status,
			iso(job.createdAt),
			startedAt === null ? '' : iso(startedAt),
			removedAt === null ? '' : iso(removedAt),
			Math.round(Math.min(job.time_total * 1000, Math.max(0, (removedAt ?? now) - (startedAt ?? now))) / 1000),
		];
		for (let e = 0; e < extruderCount; e++) {
			const extruder = job.extruders?.find((x) => x.extruder_index === e);
			const guid = extruder?.material_guid ?? null;
			const material = guid ? materialByGuid(guid) : null;
			const name = material ? materialDisplayName(material) : (guid ?? '');
			const grams = gramsOf(guid, extruder?.material_volume_mm3);
			cells.push(name, guid ?? '', extruder?.print_core_id ?? '', grams ?? '');
			if (guid) {
				const entry = consumption.get(guid) ?? { name, prints: 0, grams: 0 };
				entry.prints++;
				entry.grams = entry.grams === null || grams === null ? null : Math.round((entry.grams + grams) * 100) / 100;
				consumption.set(guid, entry);
			}
		}
		lines.push(csvLine(cells));
	}
	lines.push('', 'Material consumption', csvLine(['material', 'material_guid', 'prints', 'material_used_g']));
	for (const [guid, entry] of [...consumption].sort((a, b) => a[1].name.localeCompare(b[1].name))) lines.push(csvLine([entry.name, guid, entry.prints, entry.grams ?? '']));
	return `${lines.join('\r\n')}\r\n`;
}

function renderReport(ctx: Context, rt: Runtime, report: Report): Record<string, unknown> {
	const data: Record<string, unknown> = { report_id: report.id, status: reportStatus(report) };
	if (data.status === 'success' && report.fileToken) {
		data.download_url =
			store(rt).behaviour.reportDownloadOn === 'api' ? `${ctx.baseUrl}/report/v1/reports/${report.id}/file` : `${rt.storageUrl()}/history/${report.fileToken}/report-${report.id}.csv`;
	}
	return data;
}

function reportStatus(report: Report): string {
	if (report.polls === 0) return 'pending';
	if (report.outcome === 'never' || report.polls <= report.pollsBeforeReady) return 'processing';
	return report.outcome;
}

function isoDate(data: Record<string, unknown>, field: string): string {
	const value = requireString(data, field, 64);
	if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value) || Number.isNaN(Date.parse(value))) {
		throw validation(`${field}: must be an ISO 8601 date-time, e.g. 2026-11-26T10:00:00.000Z`);
	}
	return value;
}

async function createReport(ctx: Context, rt: Runtime): Promise<void> {
	const data = await readDataObject(ctx);
	const reportType = requireString(data, 'report_type', 64);
	if (reportType !== 'print_jobs') throw validation(`report_type: unknown value "${reportType}"`);
	const ids = data.cluster_ids;
	if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) throw validation('cluster_ids: required, a non-empty list of cluster ids');
	for (const id of ids as string[]) if (!rt.state.clusters.has(id)) throw notFound('Cluster', id);
	const start = isoDate(data, 'start_date');
	const end = isoDate(data, 'end_date');
	if (Date.parse(end) <= Date.parse(start)) throw validation('end_date: must be after start_date');
	const s = store(rt);
	const report: Report = {
		id: newId(rt, 'report'),
		cluster_ids: [...new Set(ids as string[])],
		start_date: start,
		end_date: end,
		report_type: reportType,
		polls: 0,
		outcome: s.behaviour.reportOutcome,
		pollsBeforeReady: s.behaviour.reportPollsBeforeReady,
		fileToken: null,
	};
	s.reports.set(report.id, report);
	sendJson(ctx, 201, { data: { report_id: report.id, status: 'pending' } });
}

/** A report's or snapshot's file, made on first need and served from storage under its token ever after. */
function storeFileOnce(rt: Runtime, owner: { fileToken: string | null }, make: () => Files): string {
	if (!owner.fileToken) {
		owner.fileToken = rt.state.ids.uuid().replace(/-/g, '');
		store(rt).files.set(owner.fileToken, make());
	}
	return owner.fileToken;
}

function getReport(ctx: Context, rt: Runtime, now: number): void {
	const report = store(rt).reports.get(ctx.params.report_id!);
	if (!report) throw notFound('Report', ctx.params.report_id!);
	report.polls++;
	// The file is made once, when the report becomes ready: from the prints as they are then.
	if (reportStatus(report) === 'success') {
		storeFileOnce(rt, report, () => ({ contentType: 'text/csv', name: `report-${report.id}.csv`, body: Buffer.from(reportCsv(rt, report, now)) }));
	}
	sendJson(ctx, 200, { data: renderReport(ctx, rt, report) });
}

/** The report file on the API itself (`reportDownloadOn: 'api'`): behind the token, like every API path. */
function getReportFile(ctx: Context, rt: Runtime): void {
	const report = store(rt).reports.get(ctx.params.report_id!);
	const file = report?.fileToken ? store(rt).files.get(report.fileToken) : undefined;
	if (!file) throw notFound('Report file', ctx.params.report_id!);
	send(ctx, 200, file.body, { 'Content-Type': file.contentType });
}

// ---------------------------------------------------------------------------------------------------------
// Project comments

async function addComment(ctx: Context, rt: Runtime, now: number): Promise<void> {
	const id = ctx.params.project_id!;
	const project = rt.state.projects.get(id);
	if (!project) throw notFound('Project', id);
	const data = await readDataObject(ctx);
	const body = requireString(data, 'body', 1000);
	// Ultimaker's answer is not documented; this one follows the Connect UserMessage model [I].
	const comment = { body, user_id: 'emulator-user-id', username: 'emulator-user', generated_time: iso(now) };
	const s = store(rt);
	s.comments.set(id, [...(s.comments.get(id) ?? []), comment]);
	sendJson(ctx, 200, { data: comment });
}

// ---------------------------------------------------------------------------------------------------------
// Webcam snapshots

function crc32(bytes: Buffer): number {
	let crc = ~0;
	for (const byte of bytes) {
		crc ^= byte;
		for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

/** A small PNG (a grey build plate with a coloured block), different per printer and per shot. */
export function snapshotPng(seed: string, width = 64, height = 48): Buffer {
	let hash = 0;
	for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
	const color = [hash & 0xff, (hash >>> 8) & 0xff, (hash >>> 16) & 0xff];
	const rows: Buffer[] = [];
	for (let y = 0; y < height; y++) {
		const row = Buffer.alloc(1 + width * 3);
		for (let x = 0; x < width; x++) {
			const inBlock = x > width / 3 && x < (2 * width) / 3 && y > height / 3 && y < (4 * height) / 5;
			const pixel = inBlock ? color : [90, 90, 95];
			row.set(pixel, 1 + x * 3);
		}
		rows.push(row);
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(Buffer.concat(rows))),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

async function requestSnapshot(ctx: Context, rt: Runtime, now: number): Promise<void> {
	await readObject(ctx).catch(() => undefined);
	const cluster = getCluster(rt, ctx.params.cluster_id!);
	const printer = cluster.printers.find((p) => p.uuid === ctx.params.printer_uuid);
	if (!printer) throw notFound('Printer', ctx.params.printer_uuid!);
	const s = store(rt);
	const action: SnapshotAction = {
		id: newId(rt, 'action'),
		clusterId: cluster.cluster_id,
		printerUuid: printer.uuid,
		polls: 0,
		// An offline cluster cannot take a picture: the action fails.
		outcome: cluster.is_online ? s.behaviour.snapshotOutcome : 'failed',
		pollsBeforeDone: s.behaviour.snapshotPollsBeforeDone,
		fileToken: null,
		createdAt: now,
	};
	s.actions.set(action.id, action);
	sendJson(ctx, 200, { data: { action_id: action.id, status: 'pending' } });
}

function actionStatus(ctx: Context, rt: Runtime, now: number): void {
	const action = store(rt).actions.get(ctx.params.action_id!);
	if (!action || action.clusterId !== ctx.params.cluster_id) throw notFound('Action', ctx.params.action_id!);
	action.polls++;
	let status = action.polls <= 1 ? 'pending' : 'sent';
	// Ultimaker's SDK types the status pending | sent | success | failed | unknown and takes the image only on
	// `success` [C: digital-factory-sdk getWebcamImage].
	if (action.outcome !== 'never' && action.polls > action.pollsBeforeDone) status = action.outcome;
	const data: Record<string, unknown> = { action_id: action.id, status, generated_time: iso(now) };
	if (status === 'success') {
		const token = storeFileOnce(rt, action, () => ({ contentType: 'image/png', name: 'snapshot.png', body: snapshotPng(`${action.printerUuid}:${action.id}`) }));
		data.status_details = { value: { image_url: `${rt.storageUrl()}/history/${token}/snapshot.png` } };
	} else if (status === 'failed') {
		data.status_details = { value: { error: 'The printer did not answer the snapshot request.' } };
	}
	sendJson(ctx, 200, { data });
}

// ---------------------------------------------------------------------------------------------------------
// What API request is tested with, and the control route

/** Pending maintenance per printer that needs it (shape from the captured spec [S]). */
function pendingMaintenance(ctx: Context, rt: Runtime, now: number): void {
	const cluster = getCluster(rt, ctx.params.cluster_id!);
	const tasks = cluster.printers
		.filter((printer) => printer.maintenance_required)
		.map((printer) => ({ is_due: true, due_date: iso(now), printer_uuid: printer.uuid, task_rule: { code: 'sline_clean_printer', task_details: { type: 'time_based', value: { interval: 7_776_000 } } } }));
	sendJson(ctx, 200, { data: tasks });
}

async function setBehaviour(ctx: Context, rt: Runtime): Promise<void> {
	const body = await readObject(ctx);
	const s = store(rt);
	const next = { ...s.behaviour, ...body } as HistoryBehaviour;
	if (!['success', 'failed', 'unknown', 'never'].includes(next.reportOutcome)) throw validation('reportOutcome: success, failed, unknown or never');
	if (!['success', 'failed', 'never'].includes(next.snapshotOutcome)) throw validation('snapshotOutcome: success, failed or never');
	if (!['storage', 'api'].includes(next.reportDownloadOn)) throw validation('reportDownloadOn: storage or api');
	for (const field of ['reportPollsBeforeReady', 'snapshotPollsBeforeDone'] as const) {
		if (!Number.isInteger(next[field]) || next[field] < 0 || next[field] > 100) throw validation(`${field}: an integer from 0 to 100`);
	}
	s.behaviour = next;
	sendJson(ctx, 200, { data: { ...s.behaviour, comments: Object.fromEntries(s.comments) } });
}

export const historyRoutes: ApiTable = [
	...apiRoutes('bearer', {
		'GET /connect/v1/print_jobs': synced(listPrintJobs),
	}),
	...apiRoutes('none', {
		'GET /report/v1': synced((ctx) => sendJson(ctx, 200, { version: '1.0.0' })),
	}),
	...apiRoutes('bearer', {
		'PUT /report/v1/reports': synced(createReport),
		'GET /report/v1/reports/:report_id': synced(getReport),
		'GET /report/v1/reports/:report_id/file': synced(getReportFile),
		'PUT /cura/v1/projects/:project_id/comments': synced(addComment),
		'POST /connect/v1/clusters/:cluster_id/printers/:printer_uuid/action/get_webcam_snapshot': synced(requestSnapshot),
		'GET /connect/v1/clusters/:cluster_id/action_status/:action_id': synced(actionStatus),
		'GET /connect/v1/clusters/:cluster_id/maintenance/pending': synced(pendingMaintenance),
	}),
	...apiRoutes('none', {
		'POST /_emulator/history': synced(setBehaviour),
	}),
];

/** The storage listener's history files (`/history/<token>/<name>`); false when the path is not one. */
export function serveHistoryFile(rt: Runtime, ctx: Context): boolean {
	const match = /^\/history\/([0-9a-f]{32})\/[^/]+$/.exec(ctx.path);
	if (!match || ctx.method !== 'GET') return false;
	const file = store(rt).files.get(match[1]!);
	if (!file) throw new HttpError(404, 'NoSuchKey', 'The specified key does not exist.');
	send(ctx, 200, file.body, { 'Content-Type': file.contentType });
	return true;
}
