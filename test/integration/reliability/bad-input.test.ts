/**
 * Bad input through the real node (execute in n8n-core's ExecuteContext, emulator over real sockets), across all
 * operations and both credentials. Each row asserts the exact error class (NodeOperationError for input the node
 * refuses itself, NodeApiError for what Digital Factory refused), a specific, actionable message, and from the
 * emulator's request log that nothing harmful was sent:
 * - input refused locally → no request at all;
 * - an id with `/`, `?`, `#`, `%` or `..` → every request stays on the operation's own route, the id
 *   percent-encoded inside a single path segment (it never reaches another endpoint).
 *
 * Lying extensions (decision, documented here): the node declares the content type from the file name, as Cura
 * and the API do; it does not sniff file contents. A `.png` holding G-code is refused by Upload job (not a
 * toolpath by its name); a `.gcode` holding a PNG is uploaded as `text/plain` and reported `uploaded` — which is
 * true: storage holds exactly those bytes. Content checks are the slicer's and the printer's job.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ClusterSpec, Emulator, LoggedRequest } from '../../../emulator';
import { UltimakerDigitalFactoryTrigger } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node';
import type { CredentialStore } from '../../helpers/n8nContext';
import { createPollContext, inMemoryBinary, storeBinary } from '../../helpers/n8nContext';
import { expectNoSecrets } from '../../helpers/secrets';
import type { FaultSpec } from './harness';
import type { Auth } from '../../helpers/actionNode';
import { clusterIds, gcodeItem, gcodeText, jobsOf, printsOf, routeCounts, sent, start, summary, uploadedJob } from './harness';
import { byId, credentialsFor, tryAction as run } from '../../helpers/actionNode';

jest.setTimeout(30_000);

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4f60000000049454e44ae426082', 'hex');

interface Ctx {
	emu: Emulator;
	clusterId: string;
	jobId: string;
}

interface Row {
	name: string;
	auth: Auth;
	parameters: (ctx: Ctx) => INodeParameters;
	items?: (ctx: Ctx) => Promise<INodeExecutionData[]>;
	credentials?: (ctx: Ctx) => IDataObject;
	faults?: (ctx: Ctx) => FaultSpec[];
	emulator?: { maxFileSize?: number; farm?: ClusterSpec[] };
	expect:
		| { type: 'operation' | 'api'; message: RegExp; description?: RegExp }
		| { ok: true; check: (items: IDataObject[], ctx: Ctx) => Promise<void> | void };
	/**
	 * `none`: refused before any request. Otherwise every logged request must match one of the patterns (the
	 * operation's own routes) and, when `encoded` is given, the percent-encoded id must be in the path.
	 */
	requests: 'none' | { only: RegExp[]; encoded?: (ctx: Ctx) => string; counts?: Record<string, number> };
}

const ID = '[^/?#]+';
const JOB_ROUTE = new RegExp(`^/cura/v1/jobs/${ID}$`);
const CLUSTER_ROUTE = new RegExp(`^/connect/v1/clusters/${ID}$`);
const STATUS_ROUTE = new RegExp(`^/connect/v1/clusters/${ID}/status$`);
const PRINT_ROUTE = new RegExp(`^/connect/v1/clusters/${ID}/print/${ID}$`);
const ACTION_ROUTE = new RegExp(`^/connect/v1/clusters/${ID}/print_jobs/${ID}/action/(pause|resume|abort|move|remove|force)$`);
const REGISTER_ROUTE = /^\/cura\/v1\/jobs\/upload$/;
const LIST_ROUTE = /^\/connect\/v1\/clusters$/;

const getJob = (jobId: string) => () => ({ resource: 'job', operation: 'get', jobId });
const getCluster = (clusterId: string) => () => ({ resource: 'cluster', operation: 'get', clusterId: byId(clusterId) });
const getStatus = (clusterId: string) => () => ({ resource: 'cluster', operation: 'getStatus', clusterId: byId(clusterId) });
const printAction = (uuid: string, action = 'pause') => (ctx: Ctx) => ({ resource: 'print', operation: 'action', clusterId: byId(ctx.clusterId), printJobUuid: uuid, printAction: action });
const sendPrint = (jobId: string) => (ctx: Ctx) => ({ resource: 'print', operation: 'send', clusterId: byId(ctx.clusterId), jobId });
const uploadJob = (extra: IDataObject = {}) => () => ({ resource: 'job', operation: 'upload', ...extra });
const uploadFile = (extra: IDataObject = {}) => () => ({ resource: 'file', operation: 'upload', ...extra });
const listClusters = () => ({ resource: 'cluster', operation: 'getMany', returnAll: true });

const file = (name: string, content: Buffer, mimeType = 'application/octet-stream', property = 'data') => async () => [
	{ json: {}, binary: { [property]: await storeBinary(content, { fileName: name, mimeType }) } },
];

const ROWS: Row[] = [
	// --- ids: empty, whitespace, dot segments, control characters (refused locally) --------------------------
	{ name: 'Get job: empty job ID', auth: 'apiToken', parameters: getJob(''), expect: { type: 'operation', message: /^job ID is empty$/, description: /Enter the job ID/ }, requests: 'none' },
	{ name: 'Get job: whitespace job ID (OAuth2)', auth: 'oAuth2', parameters: getJob('   \t'), expect: { type: 'operation', message: /^job ID is empty$/ }, requests: 'none' },
	{ name: 'Get job: job ID "."', auth: 'apiToken', parameters: getJob('.'), expect: { type: 'operation', message: /^"\." is not a valid job ID$/ }, requests: 'none' },
	{ name: 'Get job: job ID with a control character', auth: 'oAuth2', parameters: getJob('abc\u0000def'), expect: { type: 'operation', message: /job ID contains control characters/ }, requests: 'none' },
	{ name: 'Get cluster: empty cluster ID', auth: 'apiToken', parameters: getCluster(''), expect: { type: 'operation', message: /^cluster ID is empty$/ }, requests: 'none' },
	{ name: 'Get cluster status: cluster ID ".." (OAuth2)', auth: 'oAuth2', parameters: getStatus('..'), expect: { type: 'operation', message: /^"\.\." is not a valid cluster ID$/ }, requests: 'none' },
	{ name: 'Send print: whitespace job ID — refused before the status read', auth: 'apiToken', parameters: sendPrint('  '), expect: { type: 'operation', message: /^job ID is empty$/ }, requests: 'none' },
	{ name: 'Print job action: empty print job UUID (OAuth2)', auth: 'oAuth2', parameters: printAction(''), expect: { type: 'operation', message: /^print job UUID is empty$/ }, requests: 'none' },
	{
		name: 'Print job action: unknown action',
		auth: 'apiToken',
		parameters: printAction('8026483e-00e0-4451-bf6b-b4ce929369d4', 'explode'),
		expect: { type: 'operation', message: /Unknown print job action "explode"/, description: /pause, resume, abort, moveToTop, remove, force/ },
		requests: 'none',
	},
	{
		name: 'Upload and print: empty cluster — refused before anything is uploaded',
		auth: 'oAuth2',
		parameters: () => ({ resource: 'print', operation: 'uploadAndSend', clusterId: byId(' ') }),
		items: async () => [await gcodeItem()],
		expect: { type: 'operation', message: /^cluster ID is empty$/ },
		requests: 'none',
	},
	{ name: 'Create project: whitespace name', auth: 'apiToken', parameters: () => ({ resource: 'project', operation: 'create', projectName: '  ' }), expect: { type: 'operation', message: /Project Name is empty/ }, requests: 'none' },

	// --- ids that try to leave their path segment (sent, encoded, answered 404) ------------------------------
	{
		name: 'Get job: "../../connect/v1/clusters" stays one encoded segment under /cura/v1/jobs/',
		auth: 'apiToken',
		parameters: getJob('../../connect/v1/clusters'),
		expect: { type: 'api', message: /^Digital Factory could not find job \.\.\/\.\.\/connect\/v1\/clusters$/, description: /Check the ID/ },
		requests: { only: [JOB_ROUTE], encoded: () => '..%2F..%2Fconnect%2Fv1%2Fclusters', counts: { 'GET /cura/v1/jobs/:job': 1 } },
	},
	{
		name: 'Get cluster: "<id>/status" does not reach the status endpoint (OAuth2)',
		auth: 'oAuth2',
		parameters: (ctx) => getCluster(`${ctx.clusterId}/status`)(),
		expect: { type: 'api', message: /^Digital Factory could not find cluster .+\/status$/ },
		requests: { only: [CLUSTER_ROUTE], encoded: (ctx) => `${encodeURIComponent(ctx.clusterId)}%2Fstatus` },
	},
	{
		name: 'Get cluster status: "a#b?c=d" keeps # and ? inside the segment',
		auth: 'apiToken',
		parameters: getStatus('a#b?c=d'),
		expect: { type: 'api', message: /could not find the status of cluster a#b\?c=d/ },
		requests: { only: [STATUS_ROUTE], encoded: () => 'a%23b%3Fc%3Dd' },
	},
	{
		name: 'Send print: job ID "x?force=1" → no query string reaches the print endpoint, nothing printed',
		auth: 'apiToken',
		parameters: sendPrint('x?force=1'),
		expect: { type: 'api', message: /could not find printing job x\?force=1 on cluster/ },
		requests: { only: [STATUS_ROUTE, PRINT_ROUTE], encoded: () => 'x%3Fforce%3D1', counts: { 'GET /connect/v1/clusters/:cluster/status': 1, 'POST /connect/v1/clusters/:cluster/print/:job': 1 } },
	},
	{
		name: 'Send print: job ID "../../../cura/v1/jobs/upload" (OAuth2) stays under the print route',
		auth: 'oAuth2',
		parameters: sendPrint('../../../cura/v1/jobs/upload'),
		expect: { type: 'api', message: /could not find printing job/ },
		requests: { only: [STATUS_ROUTE, PRINT_ROUTE], encoded: () => '..%2F..%2F..%2Fcura%2Fv1%2Fjobs%2Fupload' },
	},
	{
		name: 'Print job action: UUID "%2e%2e" is sent literally (%252e%252e), never decoded into ".."',
		auth: 'apiToken',
		parameters: printAction('%2e%2e'),
		expect: { type: 'api', message: /could not find the pause action on print job %2e%2e/ },
		requests: { only: [ACTION_ROUTE], encoded: () => '%252e%252e' },
	},
	{
		name: 'Print job action: UUID "../../../../cura/v1/jobs" (OAuth2) stays under the action route',
		auth: 'oAuth2',
		parameters: printAction('../../../../cura/v1/jobs', 'remove'),
		expect: { type: 'api', message: /could not find the remove action on print job/ },
		requests: { only: [ACTION_ROUTE], encoded: () => '..%2F..%2F..%2F..%2Fcura%2Fv1%2Fjobs' },
	},

	// --- binary data ----------------------------------------------------------------------------------------
	{
		name: 'Upload job: the item has no binary data',
		auth: 'apiToken',
		parameters: uploadJob(),
		items: async () => [{ json: { note: 'no file here' } }],
		expect: { type: 'operation', message: /^This operation expects the node's input data to contain a binary file 'data', but none was found/ },
		requests: 'none',
	},
	{
		name: 'Upload job: wrong Input Binary Field (OAuth2)',
		auth: 'oAuth2',
		parameters: uploadJob({ binaryPropertyName: 'file' }),
		items: async () => [await gcodeItem()],
		expect: { type: 'operation', message: /^The item has no binary field 'file'/ },
		requests: 'none',
	},
	{
		name: 'Upload file: zero-byte file (stored binary)',
		auth: 'apiToken',
		parameters: uploadFile(),
		items: file('empty.stl', Buffer.alloc(0), 'model/stl'),
		expect: { type: 'operation', message: /^"empty\.stl" is empty \(0 bytes\)$/, description: /cannot store an empty file/ },
		requests: 'none',
	},
	{
		name: 'Upload job: zero-byte file (in-memory binary, OAuth2)',
		auth: 'oAuth2',
		parameters: uploadJob(),
		items: async () => [{ json: {}, binary: { data: inMemoryBinary(Buffer.alloc(0), { fileName: 'empty.gcode', mimeType: 'text/plain' }) } }],
		expect: { type: 'operation', message: /"empty\.gcode" is empty/ },
		requests: 'none',
	},
	{
		name: 'Upload job: file over the API size limit → the registration is refused, nothing reaches storage',
		auth: 'apiToken',
		emulator: { maxFileSize: 1000 },
		parameters: uploadJob(),
		items: async () => [await gcodeItem('big.gcode', gcodeText(600, 200))],
		expect: { type: 'api', message: /rejected the request for the job upload registration/, description: /file_size/ },
		requests: { only: [REGISTER_ROUTE], counts: { 'PUT /cura/v1/jobs/upload': 1 } },
	},
	{
		name: 'Upload job: unsupported extension lists what is supported',
		auth: 'apiToken',
		parameters: uploadJob(),
		items: file('model.obj', Buffer.from('v 0 0 0\n')),
		expect: { type: 'operation', message: /Cannot tell the content type of "model\.obj"/, description: /supports \.gcode\.gz, \.gcode, \.ufp/ },
		requests: 'none',
	},
	{
		name: 'Upload job: a mesh (.stl) says to use Upload File',
		auth: 'oAuth2',
		parameters: uploadJob(),
		items: file('bracket.stl', Buffer.from('solid bracket\nendsolid\n'), 'model/stl'),
		expect: { type: 'operation', message: /"bracket\.stl" is not a printable toolpath \(\.stl\); use the Upload File operation/, description: /Slice the model/ },
		requests: 'none',
	},
	{
		name: 'Upload file: a toolpath (.gcode) says to use Upload Job',
		auth: 'apiToken',
		parameters: uploadFile(),
		items: async () => [await gcodeItem()],
		expect: { type: 'operation', message: /is a printable toolpath \(\.gcode\); use the Upload Job \(or Upload and Print\) operation/ },
		requests: 'none',
	},
	{
		name: 'Upload job: lying extension — a .png that holds G-code is refused by its name',
		auth: 'apiToken',
		parameters: uploadJob(),
		items: file('part.png', Buffer.from(gcodeText()), 'image/png'),
		expect: { type: 'operation', message: /"part\.png" is not a printable toolpath \(\.png\)/ },
		requests: 'none',
	},
	{
		name: 'Upload job: lying extension — a .gcode that holds a PNG is uploaded as text/plain (documented: no content sniffing)',
		auth: 'oAuth2',
		parameters: uploadJob(),
		items: file('photo.gcode', PNG, 'text/plain'),
		expect: {
			ok: true,
			check: async (items, ctx) => {
				expect(items[0]).toMatchObject({ status: 'uploaded', content_type: 'text/plain', file_size: PNG.length });
				const [job] = await jobsOf(ctx.emu).then((jobs) => jobs.filter((j) => j.job_id === items[0].job_id));
				expect(job.status).toBe('uploaded');
			},
		},
		requests: { only: [REGISTER_ROUTE, JOB_ROUTE, /^\/upload\/[^/]+$/] },
	},
	{
		name: 'Upload job: Content Type override that is not a MIME type',
		auth: 'apiToken',
		parameters: uploadJob({ contentType: 'text plain' }),
		items: async () => [await gcodeItem()],
		expect: { type: 'operation', message: /"text plain" is not a valid content type/ },
		requests: 'none',
	},

	// --- credentials and origins (refused locally) -----------------------------------------------------------
	{ name: 'Base URL that is not a URL', auth: 'apiToken', parameters: listClusters, credentials: () => ({ baseUrl: 'api.ultimaker' }), expect: { type: 'operation', message: /^Credential problem: The Base URL "api\.ultimaker" is not a valid URL$/, description: /https:\/\/api\.ultimaker\.com/ }, requests: 'none' },
	{ name: 'Base URL with ftp:// (OAuth2)', auth: 'oAuth2', parameters: listClusters, credentials: () => ({ baseUrl: 'ftp://127.0.0.1:21' }), expect: { type: 'operation', message: /must start with https:\/\/ \(got ftp:\)/ }, requests: 'none' },
	{
		name: 'Base URL with plain http:// to a non-local host — the token would travel unencrypted',
		auth: 'apiToken',
		parameters: listClusters,
		credentials: () => ({ baseUrl: 'http://api.ultimaker.com' }),
		expect: { type: 'operation', message: /must use https:\/\/ \(plain http is allowed only for localhost and 127\.0\.0\.1\)/, description: /unencrypted/ },
		requests: 'none',
	},
	{
		name: 'Base URL with plain http:// to a non-local host (OAuth2)',
		auth: 'oAuth2',
		parameters: getJob('abc'),
		credentials: () => ({ baseUrl: 'http://192.168.1.20:8787' }),
		expect: { type: 'operation', message: /must use https:\/\// },
		requests: 'none',
	},
	{ name: 'Base URL with user:password', auth: 'apiToken', parameters: listClusters, credentials: (ctx) => ({ baseUrl: ctx.emu.url.replace('http://', 'http://me:pw@') }), expect: { type: 'operation', message: /must not contain a user name or password/ }, requests: 'none' },
	{ name: 'Base URL with a query string', auth: 'oAuth2', parameters: listClusters, credentials: (ctx) => ({ baseUrl: `${ctx.emu.url}/?redirect=evil` }), expect: { type: 'operation', message: /must not contain a query string or fragment/ }, requests: 'none' },
	{ name: 'Base URL with a dot-dot path', auth: 'apiToken', parameters: listClusters, credentials: (ctx) => ({ baseUrl: `${ctx.emu.url}/api/../_emulator` }), expect: { type: 'operation', message: /Base URL path .* is not allowed/ }, requests: 'none' },
	{ name: 'empty Base URL (OAuth2)', auth: 'oAuth2', parameters: listClusters, credentials: () => ({ baseUrl: '  ' }), expect: { type: 'operation', message: /The credential has no Base URL/ }, requests: 'none' },
	{
		name: 'Upload Origin with a path',
		auth: 'apiToken',
		parameters: uploadJob({ origin: 'https://farm.example.com/uploads' }),
		items: async () => [await gcodeItem()],
		expect: { type: 'operation', message: /^Origin: "https:\/\/farm\.example\.com\/uploads" is not a bare origin$/, description: /scheme:\/\/host\[:port\] without a path/ },
		requests: 'none',
	},
	{
		name: 'Upload Origin that is not http(s) (OAuth2)',
		auth: 'oAuth2',
		parameters: uploadJob({ origin: 'javascript:alert(1)' }),
		items: async () => [await gcodeItem()],
		expect: { type: 'operation', message: /is not a valid origin/ },
		requests: 'none',
	},
	{
		name: 'credential Default Upload Origin with a path',
		auth: 'apiToken',
		parameters: listClusters,
		credentials: () => ({ origin: 'https://farm.example.com/x' }),
		expect: { type: 'operation', message: /^Credential problem \(Default Upload Origin\): .* is not a bare origin$/ },
		requests: 'none',
	},
	{
		name: 'a wrong API token → 401 with where to make a new one',
		auth: 'apiToken',
		parameters: listClusters,
		credentials: () => ({ apiToken: 'umapi-not-a-real-token-0000|main' }),
		expect: { type: 'api', message: /^Digital Factory did not accept the API token$/, description: /Settings → API Tokens/ },
		requests: { only: [LIST_ROUTE], counts: { 'GET /connect/v1/clusters': 1 } },
	},

	// --- what the API (or a proxy in front of it) answers ----------------------------------------------------
	{
		name: 'an HTML 502 page from a proxy → retried (bounded), then a server error without the HTML',
		auth: 'apiToken',
		parameters: listClusters,
		faults: () => [{ path: '/connect/v1/clusters', kind: 'raw', status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', count: 5 }],
		expect: { type: 'api', message: /^Digital Factory had a server error \(502\) while handling the cluster list$/ },
		requests: { only: [LIST_ROUTE], counts: { 'GET /connect/v1/clusters': 3 } },
	},
	{
		name: 'an HTML 404 page on Get job (OAuth2) → "could not find job"',
		auth: 'oAuth2',
		parameters: (ctx) => getJob(ctx.jobId)(),
		faults: () => [{ path: '/cura/v1/jobs/*', kind: 'raw', status: 404, body: '<!doctype html><title>Not Found</title>' }],
		expect: { type: 'api', message: /^Digital Factory could not find job / },
		requests: { only: [JOB_ROUTE], counts: { 'GET /cura/v1/jobs/:job': 1 } },
	},
	{
		name: 'malformed JSON with 200 on Get cluster → an error that says the answer was not understood',
		auth: 'apiToken',
		parameters: (ctx) => getCluster(ctx.clusterId)(),
		faults: () => [{ path: '/connect/v1/clusters/*', kind: 'raw', status: 200, contentType: 'application/json', body: '{"data": {"cluster_id": "abc", ' }],
		expect: { type: 'api', message: /not JSON|could not be read|unexpected|not understood/i },
		requests: { only: [CLUSTER_ROUTE], counts: { 'GET /connect/v1/clusters/:cluster': 1 } },
	},
	{
		name: 'a 200 HTML page (captive portal) on List clusters (OAuth2) → an error, not an empty cluster list',
		auth: 'oAuth2',
		parameters: listClusters,
		faults: () => [{ path: '/connect/v1/clusters', kind: 'raw', status: 200, body: '<html><body>Please sign in to the Wi-Fi</body></html>' }],
		expect: { type: 'api', message: /not JSON|could not be read|unexpected|not understood/i },
		requests: { only: [LIST_ROUTE], counts: { 'GET /connect/v1/clusters': 1 } },
	},
	{
		name: 'a 200 with an unexpected JSON body on Get cluster status → an error, not an empty status',
		auth: 'apiToken',
		parameters: (ctx) => ({ ...getStatus(ctx.clusterId)(), splitInto: 'printers' }),
		faults: () => [{ path: '/connect/v1/clusters/*/status', kind: 'raw', status: 200, contentType: 'application/json', body: '{"message":"maintenance window"}' }],
		expect: { type: 'api', message: /not JSON|could not be read|unexpected|not understood/i },
		requests: { only: [STATUS_ROUTE], counts: { 'GET /connect/v1/clusters/:cluster/status': 1 } },
	},
	{
		name: 'a 200 whose upload registration lacks upload_url → nothing uploaded, a clear error',
		auth: 'apiToken',
		parameters: uploadJob(),
		items: async () => [await gcodeItem()],
		faults: () => [{ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'raw', status: 200, contentType: 'application/json', body: '{"data":{"job_id":"j1","status":"uploading"}}' }],
		expect: { type: 'api', message: /registered the job upload but sent no usable upload URL/, description: /nothing was uploaded/ },
		requests: { only: [REGISTER_ROUTE], counts: { 'PUT /cura/v1/jobs/upload': 1 } },
	},
	// --- broken credentials: a specific error naming the problem and the fix, nothing sent ----------------------
	{
		name: 'OAuth2 credential that was never connected (no token data)',
		auth: 'oAuth2',
		parameters: listClusters,
		credentials: () => ({ oauthTokenData: undefined }),
		expect: { type: 'operation', message: /^Credential problem: The OAuth2 credential is not connected to an Ultimaker account$/, description: /click "Connect my account"/ },
		requests: 'none',
	},
	{
		name: 'OAuth2 access token with an inner line break',
		auth: 'oAuth2',
		parameters: (ctx) => getCluster(ctx.clusterId)(),
		credentials: () => ({ oauthTokenData: { access_token: 'umat-AAAAAAAAAAAAAAAA\nBBBBBBBBBBBBBBBB', token_type: 'Bearer' } }),
		expect: { type: 'operation', message: /^Credential problem: The OAuth2 access token in the credential contains a line break$/, description: /Reconnect/ },
		requests: 'none',
	},
	{
		name: 'API token with an inner line break (pasted across two lines)',
		auth: 'apiToken',
		parameters: listClusters,
		credentials: (ctx) => ({ apiToken: `${ctx.emu.apiToken.slice(0, 12)}\r\n${ctx.emu.apiToken.slice(12)}` }),
		expect: { type: 'operation', message: /^Credential problem: The API token in the credential contains a line break$/, description: /paste the token .* again, on one line/ },
		requests: 'none',
	},
	{
		name: 'API token with a space inside',
		auth: 'apiToken',
		parameters: uploadJob(),
		items: async () => [await gcodeItem()],
		credentials: (ctx) => ({ apiToken: `${ctx.emu.apiToken.slice(0, 12)} ${ctx.emu.apiToken.slice(12)}` }),
		expect: { type: 'operation', message: /contains a space or a character no token has/ },
		requests: 'none',
	},
	{
		name: 'empty API token',
		auth: 'apiToken',
		parameters: (ctx) => sendPrint(ctx.jobId)(ctx),
		credentials: () => ({ apiToken: '  ' }),
		expect: { type: 'operation', message: /^Credential problem: The credential has no API token$/, description: /Settings → API Tokens/ },
		requests: 'none',
	},
	{
		name: 'a wrong API token: the hint keeps its own example "umapi-…|main" (redaction does not eat it)',
		auth: 'apiToken',
		parameters: (ctx) => getJob(ctx.jobId)(),
		credentials: () => ({ apiToken: 'umapi-not-a-real-token-0001|main' }),
		expect: { type: 'api', message: /^Digital Factory did not accept the API token$/, description: /it looks like umapi-…\|main\)/ },
		requests: { only: [JOB_ROUTE], counts: { 'GET /cura/v1/jobs/:job': 1 } },
	},
	// --- limits: ids have a length limit, single-object answers are shape-checked -------------------------------
	{
		name: 'Get job: a job ID of 100,000 characters → a short error, nothing sent',
		auth: 'apiToken',
		parameters: getJob('x'.repeat(100_000)),
		expect: { type: 'operation', message: /^The job ID is too long \(100000 characters; at most 256\)$/ },
		requests: 'none',
	},
	{
		name: 'Print job action: a print job UUID of 300 characters (OAuth2)',
		auth: 'oAuth2',
		parameters: printAction('u'.repeat(300)),
		expect: { type: 'operation', message: /^The print job UUID is too long \(300 characters; at most 256\)$/ },
		requests: 'none',
	},
	{
		name: 'Send print: a cluster ID of 257 characters',
		auth: 'apiToken',
		parameters: (ctx) => ({ resource: 'print', operation: 'send', clusterId: byId('c'.repeat(257)), jobId: ctx.jobId }),
		expect: { type: 'operation', message: /^The cluster ID is too long/ },
		requests: 'none',
	},
	{
		name: 'Get cluster answered {"data": []} → an error, not an array item',
		auth: 'apiToken',
		parameters: (ctx) => getCluster(ctx.clusterId)(),
		faults: () => [{ path: '/connect/v1/clusters/*', kind: 'raw', status: 200, contentType: 'application/json', body: '{"data": []}' }],
		expect: { type: 'api', message: /^Digital Factory sent an answer that could not be read for cluster / },
		requests: { only: [CLUSTER_ROUTE], counts: { 'GET /connect/v1/clusters/:cluster': 1 } },
	},
	{
		name: 'Get job answered an object without job_id (OAuth2) → an error naming the missing id',
		auth: 'oAuth2',
		parameters: (ctx) => getJob(ctx.jobId)(),
		faults: () => [{ path: '/cura/v1/jobs/*', kind: 'raw', status: 200, contentType: 'application/json', body: '{"data": {"message": "ok"}}' }],
		expect: { type: 'api', message: /could not be read for job /, description: /Expected an object with "job_id"/ },
		requests: { only: [JOB_ROUTE], counts: { 'GET /cura/v1/jobs/:job': 1 } },
	},
	{
		name: 'Print job action answered {"data": [1, 2]} → the list is not spread into the item',
		auth: 'apiToken',
		parameters: printAction('8026483e-00e0-4451-bf6b-b4ce929369d4'),
		faults: () => [{ method: 'POST', path: '/connect/v1/clusters/*/print_jobs/*/action/*', kind: 'raw', status: 200, contentType: 'application/json', body: '{"data": [1, 2]}' }],
		expect: { ok: true, check: (items) => expect(Object.keys(items[0]).sort()).toEqual(['accepted', 'action', 'cluster_id', 'print_job_uuid']) },
		requests: { only: [ACTION_ROUTE], counts: { 'POST /connect/v1/clusters/:cluster/print_jobs/:uuid/action/:action': 1 } },
	},
	{
		name: 'a 200 whose upload_url is not http(s) (e.g. file:///etc/passwd) → refused, never fetched',
		auth: 'oAuth2',
		parameters: uploadJob(),
		items: async () => [await gcodeItem()],
		faults: () => [{ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'raw', status: 200, contentType: 'application/json', body: '{"data":{"job_id":"j1","status":"uploading","upload_url":"file:///etc/passwd"}}' }],
		expect: { type: 'api', message: /sent no usable upload URL/ },
		requests: { only: [REGISTER_ROUTE], counts: { 'PUT /cura/v1/jobs/upload': 1 } },
	},
];

async function setUp(row: Row): Promise<Ctx> {
	const emu = await start({ maxFileSize: row.emulator?.maxFileSize, farm: row.emulator?.farm });
	const [clusterId] = await clusterIds(emu);
	const jobId = await uploadedJob(emu, 'ready.gcode');
	return { emu, clusterId, jobId };
}

function checkRequests(row: Row, ctx: Ctx, log: LoggedRequest[]): void {
	if (row.requests === 'none') {
		expect(summary(log)).toEqual([]);
		return;
	}
	const { only, encoded, counts } = row.requests;
	expect(log.length).toBeGreaterThan(0);
	for (const entry of log) {
		// Storage requests only ever go to the signed URL the API handed out.
		if (entry.server === 'storage') {
			expect(entry.path).toMatch(/^\/upload\/(storage\/v1\/b\/[^/]+\/o|[^/]+)$/);
			expect(entry.headers.authorization).toBeUndefined();
			continue;
		}
		if (!only.some((pattern) => pattern.test(entry.path))) throw new Error(`request left the operation's routes: ${entry.method} ${entry.path}`);
		// No input ever lands in a query string; the cluster list asks for active clusters, as Cura does.
		expect(entry.query).toEqual(entry.path === '/connect/v1/clusters' ? { status: 'active' } : {});
	}
	if (encoded) {
		const segment = encoded(ctx);
		expect(log.some((entry) => entry.path.includes(segment))).toBe(true);
	}
	if (counts) expect(routeCounts(log)).toEqual(counts);
}

describe('bad input gets a specific, actionable error and sends nothing harmful', () => {
	let ctx: Ctx | undefined;
	afterEach(async () => {
		await ctx?.emu.close();
		ctx = undefined;
	});

	test('the table covers every operation and both credentials', () => {
		expect(ROWS.length).toBeGreaterThanOrEqual(60);
		const dummy: Ctx = { emu: { url: 'http://127.0.0.1:1' } as Emulator, clusterId: 'c', jobId: 'j' };
		const covered = new Set(ROWS.map((row) => `${row.parameters(dummy).resource}.${row.parameters(dummy).operation}`));
		expect([...covered].sort()).toEqual(
			['cluster.get', 'cluster.getMany', 'cluster.getStatus', 'file.upload', 'job.get', 'job.upload', 'print.action', 'print.send', 'print.uploadAndSend', 'project.create'].sort(),
		);
		expect(new Set(ROWS.map((row) => row.auth))).toEqual(new Set(['apiToken', 'oAuth2']));
	});

	test.each(ROWS.map((row) => [`${row.name} [${row.auth}]`, row] as const))('%s', async (_name, row) => {
		ctx = await setUp(row);
		const credentials: CredentialStore = await credentialsFor(ctx.emu, row.auth, row.credentials?.(ctx) ?? {});
		for (const fault of row.faults?.(ctx) ?? []) await ctx.emu.client.addFault(fault);
		await ctx.emu.client.clearRequests();
		const printsBefore = (await printsOf(ctx.emu)).length;

		const result = await run({ parameters: row.parameters(ctx), items: row.items ? await row.items(ctx) : undefined, credentials });
		const log = await sent(ctx.emu);

		if ('ok' in row.expect) {
			if (result.error) throw new Error(`expected success, got: ${result.error.message}`);
			await row.expect.check(result.items!.map((item) => item.json), ctx);
		} else {
			if (!result.error) throw new Error(`expected an error, got output: ${JSON.stringify(result.items?.map((item) => item.json))}`);
			expect(result.error).toBeInstanceOf(row.expect.type === 'api' ? NodeApiError : NodeOperationError);
			expect(result.error.message).toMatch(row.expect.message);
			if (row.expect.description) expect(result.error.description).toMatch(row.expect.description);
		}
		checkRequests(row, ctx, log);
		// Bad input never queues a print.
		expect((await printsOf(ctx.emu)).length).toBe(printsBefore);
	});
});

/**
 * The same through the trigger's poll (n8n-core's PollContext): cluster IDs get the action node's checks, a
 * credential that cannot work fails the poll (n8n shows the error) and leaves the stored state untouched —
 * never an empty poll that saves an empty state.
 */
interface TriggerRow {
	name: string;
	auth: Auth;
	clusterIds?: (ctx: Ctx) => string[];
	credentials?: (ctx: Ctx) => IDataObject;
	expect: { type: 'operation' | 'api'; message: RegExp; description?: RegExp };
	requests: 'none' | { only: RegExp[]; encoded?: (ctx: Ctx) => string };
}

const TRIGGER_ROWS: TriggerRow[] = [
	{
		name: 'cluster ID ".." (dot segment) → refused before any request',
		auth: 'apiToken',
		clusterIds: () => ['..'],
		expect: { type: 'operation', message: /^Clusters: "\.\." is not a valid cluster ID$/ },
		requests: 'none',
	},
	{
		name: 'cluster ID with a control character (OAuth2)',
		auth: 'oAuth2',
		clusterIds: (ctx) => [ctx.clusterId, 'abc\u0007'],
		expect: { type: 'operation', message: /^Clusters: The cluster ID contains control characters$/ },
		requests: 'none',
	},
	{
		name: 'cluster ID of 300 characters',
		auth: 'apiToken',
		clusterIds: () => ['k'.repeat(300)],
		expect: { type: 'operation', message: /^Clusters: The cluster ID is too long \(300 characters; at most 256\)$/ },
		requests: 'none',
	},
	{
		name: 'cluster ID "<id>/../../clusters" stays one encoded segment under the status route',
		auth: 'apiToken',
		clusterIds: (ctx) => [`${ctx.clusterId}/../../clusters`],
		expect: { type: 'operation', message: /^Cluster ".+\/\.\.\/\.\.\/clusters" was not found$/ },
		requests: { only: [LIST_ROUTE, STATUS_ROUTE], encoded: (ctx) => `${encodeURIComponent(ctx.clusterId)}%2F..%2F..%2Fclusters/status` },
	},
	{
		name: 'OAuth2 credential that was never connected → the poll fails with the credential problem',
		auth: 'oAuth2',
		credentials: () => ({ oauthTokenData: undefined }),
		expect: { type: 'operation', message: /^Credential problem: The OAuth2 credential is not connected to an Ultimaker account$/, description: /Connect my account/ },
		requests: 'none',
	},
	{
		name: 'API token with an inner line break → the poll fails with the credential problem',
		auth: 'apiToken',
		credentials: (ctx) => ({ apiToken: `${ctx.emu.apiToken.slice(0, 9)}\n${ctx.emu.apiToken.slice(9)}` }),
		expect: { type: 'operation', message: /^Credential problem: The API token in the credential contains a line break$/ },
		requests: 'none',
	},
];

describe('bad input through the trigger poll fails the poll, sends nothing harmful and keeps the stored state', () => {
	let ctx: Ctx | undefined;
	afterEach(async () => {
		await ctx?.emu.close();
		ctx = undefined;
	});
	const trigger = new UltimakerDigitalFactoryTrigger();

	test.each(TRIGGER_ROWS.map((row) => [`${row.name} [${row.auth}]`, row] as const))('%s', async (_name, row) => {
		ctx = await setUp({ name: row.name, auth: row.auth, parameters: () => ({}), expect: row.expect, requests: 'none' });
		const credentials = await credentialsFor(ctx.emu, row.auth, row.credentials?.(ctx) ?? {});
		// A state from an earlier poll: a failed poll must leave it exactly as it was.
		const staticData: IDataObject = { state: { v: 1, marker: 'earlier poll' } };
		const before = JSON.stringify(staticData);
		const clusterIds = row.clusterIds?.(ctx);
		const parameters = {
			authentication: row.auth,
			clusterScope: clusterIds ? 'selected' : 'all',
			...(clusterIds ? { clusterIds } : {}),
			events: [],
			options: {},
		};
		await ctx.emu.client.clearRequests();
		const { context } = createPollContext({ nodeType: trigger, parameters, credentials, staticData });
		const error = await trigger.poll.call(context).then(
			() => undefined,
			(thrown: unknown) => thrown as Error & { description?: string },
		);
		if (!error) throw new Error('expected the poll to fail');
		expectNoSecrets(error, 'trigger error');
		expect(error).toBeInstanceOf(row.expect.type === 'api' ? NodeApiError : NodeOperationError);
		expect(error.message).toMatch(row.expect.message);
		if (row.expect.description) expect(error.description).toMatch(row.expect.description);
		expect(JSON.stringify(staticData)).toBe(before);
		const log = await sent(ctx.emu);
		if (row.requests === 'none') {
			expect(summary(log)).toEqual([]);
		} else {
			const { only, encoded } = row.requests;
			for (const entry of log) if (!only.some((pattern) => pattern.test(entry.path))) throw new Error(`request left the trigger's routes: ${entry.method} ${entry.path}`);
			if (encoded) expect(log.some((entry) => entry.path.includes(encoded(ctx!)))).toBe(true);
		}
	});
});
