/**
 * The printers' own local API as a printer connection (../printerConnection.ts): the group host's
 * `/cluster-api/v1` for status, queue and job actions, each printer's `/api/v1` for camera and history
 * (lan-cluster-api.md). The credential's group is the one cluster; its id in what is read is the configured host.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { PrintJobAction } from '../../core/send/jobActions';
import type { ApiCluster, ApiClusterStatus } from '../../core/status/model';
import { checkIdSegment, checkLocalHost } from '../../core/validation';
import type { UploadPlan } from '../../core/upload/plan';
import type { UltimakerContext } from '../cloud/credential';
import type { BinarySource, UploadResult } from '../cloud/twoStageUpload';
import type { Failure } from '../failure';
import { asNodeError, failureError, failureOf } from '../failure';
import { pathId } from '../ids';
import type { ClusterReading, PrinterConnection, PrinterSnapshot, RequestOptions, SendPrintOptions } from '../printerConnection';
import { readEachStatusWith } from '../readEach';
import type { LocalCredential } from './credential';
import { multipartBody } from './multipart';
import type { LocalRequest, LocalSession } from './transport';
import { ensureChallenge, jsonOf, localRequest, localSession } from './transport';

export interface LocalConnection extends PrinterConnection {
	readonly kind: 'localNetwork';
	host: string;
	cameraSnapshot(printerName: string, itemIndex: number): Promise<PrinterSnapshot>;
	printHistory(printerName: string, options: { limit: number; itemIndex: number }): Promise<IDataObject[]>;
}

/**
 * The cluster API's verbs for the operations' actions (lan-cluster-api.md §4.5–4.8, all [C] in Cura's client):
 * resume is `print` ("the old print job action endpoints"), move to top is `action/move` to position 0 of the
 * queued list, remove is a DELETE, force a PUT of `{"force": true}`. Which are repeatable: as on the cloud
 * (REPEATABLE_ACTIONS) — the printer's answers to a repeat are not known [I], so none is repeated here.
 */
export const LOCAL_ACTIONS: Record<PrintJobAction, (uuid: string) => Pick<LocalRequest, 'method' | 'path' | 'json'>> = {
	pause: (uuid) => ({ method: 'PUT', path: `/cluster-api/v1/print_jobs/${uuid}/action`, json: { action: 'pause' } }),
	resume: (uuid) => ({ method: 'PUT', path: `/cluster-api/v1/print_jobs/${uuid}/action`, json: { action: 'print' } }),
	abort: (uuid) => ({ method: 'PUT', path: `/cluster-api/v1/print_jobs/${uuid}/action`, json: { action: 'abort' } }),
	moveToTop: (uuid) => ({ method: 'POST', path: `/cluster-api/v1/print_jobs/${uuid}/action/move`, json: { to_position: 0, list: 'queued' } }),
	remove: (uuid) => ({ method: 'DELETE', path: `/cluster-api/v1/print_jobs/${uuid}` }),
	force: (uuid) => ({ method: 'PUT', path: `/cluster-api/v1/print_jobs/${uuid}`, json: { force: true } }),
};

/** Re-reads of the queue after an upload, to find the job it made: the upload's answer is not documented [C: Cura ignores it]. */
const FIND_DELAYS_MS = [0, 500, 1000, 2000, 4000];
/** History page size: the printer's default `count` [S]. */
const HISTORY_PAGE = 50;
/** An upload's deadline: at least 5 minutes, plus a minute per 100 MB (a printer on Wi-Fi writes slowly) [I]. */
const uploadDeadlineMs = (bytes: number) => 300_000 + Math.ceil(bytes / 100e6) * 60_000;

const rows = (value: unknown): IDataObject[] => (Array.isArray(value) ? value.filter((row): row is IDataObject => typeof row === 'object' && row !== null) : []);

/** The job name as the printer may list it: Cura's uploads show the file name without its extension [I]. */
export function namesOfUpload(name: string): string[] {
	const bare = name.replace(/\.(gcode\.gz|gcode|ufp|makerbot)$/i, '');
	return [...new Set([name, bare])];
}

/** A printer of the list by `unique_name` or `friendly_name` (any case), or the host (its `ip_address` is the host's) / the only one. */
export function findPrinter(printers: IDataObject[], name: string, host: string): IDataObject | undefined {
	const wanted = name.trim().toLowerCase();
	if (wanted !== '') {
		return printers.find((p) => String(p.unique_name ?? '').toLowerCase() === wanted) ?? printers.find((p) => String(p.friendly_name ?? '').toLowerCase() === wanted);
	}
	const hostname = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
	return printers.find((p) => p.ip_address === hostname) ?? printers[0];
}

/**
 * The printer group at the credential's host as a printer connection: its cluster API behind the operations' words.
 * One instance per item (or poll); an upload waits in it until the print sends file and print in one request.
 */
class LocalPrinters implements LocalConnection {
	readonly kind = 'localNetwork' as const;
	readonly sendPrintSettlesOutcome = true;
	readonly host: string;
	secrets: string[];
	private readonly session: LocalSession;
	private readonly uploads = new Map<string, { plan: UploadPlan; source: BinarySource }>();
	private uploadCount = 0;

	constructor(
		private readonly context: UltimakerContext,
		private readonly credential: LocalCredential,
	) {
		this.session = localSession(credential);
		this.host = credential.host;
		this.secrets = credential.secrets;
	}

	private node() {
		return this.context.getNode();
	}

	private async read(path: string, what: string, expected: 'array' | 'object', options: RequestOptions): Promise<unknown> {
		const request: LocalRequest = { method: 'GET', path, what, retry: options.retry, itemIndex: options.itemIndex };
		return jsonOf.call(this.context, request, await localRequest.call(this.context, this.session, request), expected);
	}

	/** The group's printers and print jobs wrapped into the cloud's status shape, `generated_time` stamped on receipt [I]. */
	async readStatus(_clusterId: string, options: RequestOptions): Promise<ApiClusterStatus> {
		const printers = (await this.read('/cluster-api/v1/printers', `the printers of the group at ${this.credential.host}`, 'array', options)) as IDataObject[];
		const printJobs = (await this.read('/cluster-api/v1/print_jobs', `the print jobs of the group at ${this.credential.host}`, 'array', options)) as IDataObject[];
		return { printers: rows(printers), print_jobs: rows(printJobs), generated_time: new Date().toISOString() } as ApiClusterStatus;
	}

	/** The printer a snapshot or history is for, with the base URL of its own API. */
	private async printerFor(printerName: string, itemIndex: number): Promise<{ printer: IDataObject; baseUrl: string }> {
		const status = await this.readStatus(this.credential.host, { retry: 'idempotent', itemIndex });
		const printer = findPrinter(rows(status.printers), printerName, this.credential.host);
		if (!printer) {
			const names = rows(status.printers).map((p) => `${String(p.friendly_name)} (${String(p.unique_name)})`).join(', ');
			throw new NodeOperationError(this.node(), printerName ? `No printer named "${printerName}" in the group at ${this.credential.host}` : `The group at ${this.credential.host} lists no printers`, {
				description: names ? `Printers of the group: ${names}.` : 'This printer is not the host of its group: use the host\'s address in the this.credential.',
				itemIndex,
			});
		}
		// Another member's own API is at its `ip_address` [C: Cura builds its camera URL from it], port 80 [C]; the
		// host as configured (with its port) for the host itself or a member listed at the host's address.
		const hostname = this.credential.host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
		const address = typeof printer.ip_address === 'string' ? printer.ip_address.trim() : '';
		if (address === '' || address === hostname) return { printer, baseUrl: this.session.baseUrl };
		const checked = checkLocalHost(address);
		if (!checked.ok) {
			throw new NodeOperationError(this.node(), `The printer "${String(printer.friendly_name)}" reports the address "${address}", which is not a local network address`, {
				description: 'Its camera and history were not requested. Check the printer\'s network settings.',
				itemIndex,
			});
		}
		return { printer, baseUrl: `http://${checked.value}` };
	}

	private async findNewJob(plan: UploadPlan, baseline: Set<string>, itemIndex: number): Promise<IDataObject | 'unread' | undefined> {
		const names = namesOfUpload(plan.name);
		let result: IDataObject | 'unread' | undefined = 'unread';
		// 'unread' until one read succeeds; then undefined (none, or more than one of this name).
		for (const delay of FIND_DELAYS_MS) {
			if (delay > 0) await sleep(delay);
			let jobs: IDataObject[];
			try {
				jobs = rows((await this.readStatus(this.credential.host, { retry: 'rateLimitOnly', itemIndex })).print_jobs);
			} catch {
				continue;
			}
			const fresh = jobs.filter((job) => typeof job.uuid === 'string' && !baseline.has(job.uuid) && names.includes(String(job.name)));
			// Exactly one new job of this name: this upload's. Two: another upload of the same name ran at once — claim none.
			if (fresh.length === 1) return fresh[0];
			result = undefined;
		}
		return result;
	}

	/**
	 * The `unique_name` for `require_printer_name`: the given printer (best match's choice, by uuid), else the
	 * node's Printer Name; undefined for the group's queue. An unknown printer is an error before anything is sent.
	 */
	private requiredPrinter(printers: IDataObject[], pinned: string | undefined, itemIndex: number): string | undefined {
		const printerName = pinned ? '' : String((this.context as IExecuteFunctions).getNodeParameter('printerName', itemIndex, '') ?? '').trim();
		if (!pinned && !printerName) return undefined;
		const printer = pinned ? printers.find((p) => p.uuid === pinned) : findPrinter(printers, printerName, this.credential.host);
		if (!printer || typeof printer.unique_name !== 'string') {
			throw new NodeOperationError(this.node(), `No printer ${pinned ? `with uuid ${pinned}` : `named "${printerName}"`} in the group at ${this.credential.host}`, {
				description: `Use a printer's unique_name or friendly_name from Get Cluster Status. Nothing was uploaded.`,
				itemIndex,
			});
		}
		return printer.unique_name;
	}

	async sendPrint(_clusterId: string, jobId: string, itemIndex: number, options?: SendPrintOptions): Promise<IDataObject> {
		const upload = this.uploads.get(jobId);
		if (!upload) {
			throw new NodeOperationError(this.node(), `"${jobId}" is not a file this node uploaded in this run`, {
				description: 'With the local network connection, a file goes to the printer in one step: use Upload and Print with the file.',
				itemIndex,
			});
		}
		const { plan, source } = upload;
		// Print once: the queue before the upload, so a job it made can be told from the ones already there — the
		// caller's reading when it has just made one (printOnce.ts), else read here.
		const before = options?.before ?? (await this.readStatus(this.credential.host, { retry: 'idempotent', itemIndex }));
		const baseline = new Set(rows(before.print_jobs).map((job) => String(job.uuid)));
		const requirePrinter = this.requiredPrinter(rows(before.printers), options?.printerUuid, itemIndex);
		await ensureChallenge.call(this.context, this.session, itemIndex);
		const owner = 'n8n';
		try {
			// The upload is one POST, never repeated on its own (only after a refusal before acting: a Digest challenge).
			await localRequest.call(this.context, this.session, {
				method: 'POST',
				path: '/cluster-api/v1/print_jobs/',
				...(await multipartBody.call(this.context as IExecuteFunctions, { plan, source, owner, requirePrinter })),
				what: `the upload of "${plan.name}" to the queue`,
				retry: 'rateLimitOnly',
				itemIndex,
				deadlineMs: uploadDeadlineMs(plan.fileSize),
			});
		} catch (error) {
			if (!failureOf(error)?.mayHaveTakenEffect) throw asNodeError(this.node(), error, itemIndex);
			// The upload may have reached the queue: look for it, never upload again.
			const found = await this.findNewJob(plan, baseline, itemIndex);
			if (found && found !== 'unread') return { ...found, job_instance_uuid: found.uuid, cluster_job_id: found.uuid, recovered_after_error: true };
			const failure = failureOf(error) as Failure;
			throw failureError(this.node(), { ...failure, outcome: 'unknown' }, {
				message: `Uploading "${plan.name}" was interrupted and the queue does not show it unambiguously`,
				description: `${(error as Error).message}. ${found === 'unread' ? 'The queue could not be read afterwards.' : 'The queue shows no single new job of this name.'} The print may have been queued — check the printer's queue before uploading again. It was not uploaded again automatically, to avoid printing it twice.`,
				itemIndex,
			});
		}
		const job = await this.findNewJob(plan, baseline, itemIndex);
		if (job && job !== 'unread') return { ...job, job_instance_uuid: job.uuid, cluster_job_id: job.uuid };
		// Accepted, but the queue does not show it unambiguously (yet): say so without an id.
		return { name: plan.name, status: 'queued', job_instance_uuid: '', cluster_job_id: '' };
	}

	async listClusters(options: RequestOptions & { includeInactive?: boolean }): Promise<ApiCluster[]> {
		// The group is the one cluster. Its name: the host printer's `/api/v1/system` `name` [C: Cura reads it], else the host [I].
		let name = this.credential.host;
		try {
			const system = (await this.read('/api/v1/system', 'the printer\'s system information', 'object', options)) as IDataObject;
			if (typeof system.name === 'string' && system.name.trim() !== '') name = system.name.trim();
		} catch {
			// The name is a label: the host stands in.
		}
		return [{ cluster_id: this.credential.host, friendly_name: name, status: 'active', is_online: true } as unknown as ApiCluster];
	}

	async readEachStatus<C extends { cluster_id: string }>(clusters: C[], options: RequestOptions): Promise<Array<ClusterReading<C>>> {
		return await readEachStatusWith(this.node(), async (clusterId, read) => await this.readStatus(clusterId, read), clusters, options);
	}

	async uploadToolpath(plan: UploadPlan, source: BinarySource): Promise<UploadResult> {
		// Nothing is sent yet: the printer takes file and print in one request (sendPrint).
		const id = `local-upload-${++this.uploadCount}`;
		this.uploads.set(id, { plan, source });
		return { id, data: { job_name: plan.name, file_size: plan.fileSize, content_type: plan.contentType, status: 'ready_to_send', connection: 'localNetwork' } };
	}

	async actOnPrintJob(_clusterId: string, printJobUuid: string, action: PrintJobAction, itemIndex: number): Promise<IDataObject> {
		const uuid = pathId.call(this.context, printJobUuid, 'print job UUID', itemIndex);
		const request: LocalRequest = { ...LOCAL_ACTIONS[action](uuid), what: `the ${action} action on print job ${printJobUuid}`, retry: 'rateLimitOnly', itemIndex };
		const answer = await localRequest.call(this.context, this.session, request);
		// The printer's answer is not documented [I]: an object's fields are kept, anything else ignored.
		try {
			const value = JSON.parse(answer.body.toString('utf8')) as unknown;
			return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IDataObject) : {};
		} catch {
			return {};
		}
	}

	async cameraSnapshot(printerName: string, itemIndex: number): Promise<PrinterSnapshot> {
		const { printer, baseUrl } = await this.printerFor(printerName, itemIndex);
		// 302 to the camera's own port [S]; the image bytes at the end of it [C: community clients].
		const answer = await localRequest.call(this.context, this.session, {
			method: 'GET',
			path: '/api/v1/camera/0/snapshot',
			baseUrl,
			what: `a camera snapshot of ${String(printer.friendly_name ?? printer.unique_name)}`,
			retry: 'idempotent',
			itemIndex,
			followRedirects: true,
		});
		const contentType = String(answer.headers['content-type'] ?? 'image/jpeg').split(';')[0].trim();
		if (answer.body.length === 0 || !contentType.startsWith('image/')) {
			throw new NodeOperationError(this.node(), `The camera of ${String(printer.friendly_name)} sent no image`, {
				description: `It answered ${answer.body.length} bytes of ${contentType}. Is a camera fitted and on?`,
				itemIndex,
			});
		}
		return { data: answer.body, contentType, printer };
	}

	async printHistory(printerName: string, { limit, itemIndex }: { limit: number; itemIndex: number }): Promise<IDataObject[]> {
		const { printer, baseUrl } = await this.printerFor(printerName, itemIndex);
		const out: IDataObject[] = [];
		for (let offset = 0; out.length < limit; offset += HISTORY_PAGE) {
			const request: LocalRequest = {
				method: 'GET',
				path: `/api/v1/history/print_jobs?offset=${offset}&count=${HISTORY_PAGE}`,
				baseUrl,
				what: `the print history of ${String(printer.friendly_name ?? printer.unique_name)}`,
				retry: 'idempotent',
				itemIndex,
			};
			const page = rows(jsonOf.call(this.context, request, await localRequest.call(this.context, this.session, request), 'array'));
			out.push(...page.map((entry) => ({ ...entry, printer_uuid: printer.uuid ?? null, printer_name: printer.friendly_name ?? null })));
			if (page.length < HISTORY_PAGE) break;
		}
		return out.slice(0, limit);
	}
}

export function localConnection(context: UltimakerContext, credential: LocalCredential): LocalConnection {
	return new LocalPrinters(context, credential);
}

/** A pairing id as it goes into `/api/v1/auth/check/{id}`: one safe path segment. */
export function pairingIdSegment(id: unknown): string | undefined {
	const checked = checkIdSegment(id, 'pairing ID');
	return checked.ok ? checked.value : undefined;
}
