/** The action node's and the credentials' public contract: names that workflows depend on. */
import type { INode, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { UltimakerDigitalFactoryApi } from '../../../credentials/UltimakerDigitalFactoryApi.credentials';
import { UltimakerDigitalFactoryOAuth2Api } from '../../../credentials/UltimakerDigitalFactoryOAuth2Api.credentials';
import { findOperation, operations } from '../../../nodes/UltimakerDigitalFactory/actions/router';
import { PRINT_ACTIONS } from '../../../nodes/UltimakerDigitalFactory/connections/cloud/connection';
import { UltimakerDigitalFactory } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node';

const description = new UltimakerDigitalFactory().description;
const property = (name: string, resource?: string): INodeProperties | undefined =>
	description.properties.find(
		(p) => p.name === name && (resource === undefined || (p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource)),
	);

test('node identity and tool use', () => {
	expect(description.name).toBe('ultimakerDigitalFactory');
	expect(description.displayName).toBe('Ultimaker Digital Factory');
	expect(description.usableAsTool).toBe(true);
	expect(description.credentials?.map((c) => c.name)).toEqual(['ultimakerDigitalFactoryApi', 'ultimakerDigitalFactoryOAuth2Api', 'ultimakerLocalNetworkApi']);
	expect((property('authentication')?.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['apiToken', 'oAuth2', 'localNetwork']);
});

test.each([
	['job', [['upload', 'Upload job'], ['get', 'Get job'], ['getMany', 'Get many jobs']]],
	['file', [['upload', 'Upload file']]],
	['project', [['getMany', 'Get many projects'], ['create', 'Create project'], ['addComment', 'Add comment to project']]],
	['cluster', [['getMany', 'List clusters'], ['get', 'Get cluster'], ['getStatus', 'Get cluster status']]],
	['print', [['send', 'Send print'], ['uploadAndSend', 'Upload and print'], ['findPrinter', 'Find printer'], ['action', 'Pause / resume / abort / move to top / remove / force'], ['getMany', 'Get many print jobs']]],
	['toolpath', [['inspect', 'Inspect toolpath']]],
	['report', [['create', 'Create report']]],
	['printer', [['cameraSnapshot', 'Camera snapshot'], ['history', "Get a printer's print history"]]],
	['api', [['request', 'API request']]],
])('resource %s: operations and action labels', (resource, expected) => {
	const operation = description.properties.find(
		(p) => p.name === 'operation' && (p.displayOptions?.show?.resource as string[]).includes(resource),
	)!;
	const options = operation.options as Array<{ value: string; action: string; description: string }>;
	for (const [value, action] of expected) {
		expect(options.find((o) => o.value === value)?.action).toBe(action);
		expect(findOperation(resource, value)).toBeDefined();
	}
	expect(options).toHaveLength(expected.length);
	for (const option of options) expect(option.description.length).toBeGreaterThan(20);
});

test('§11 contract parameter names and defaults', () => {
	const named = (name: string, resource: string, operation: string) =>
		description.properties.find(
			(p) => p.name === name && (p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource) && (p.displayOptions?.show?.operation as string[] | undefined)?.includes(operation),
		);
	expect(named('reportType', 'report', 'create')?.default).toBe('print_jobs');
	expect(named('clusterScope', 'report', 'create')?.default).toBe('all');
	expect(named('clusterIds', 'report', 'create')).toBeDefined();
	expect(named('period', 'report', 'create')?.default).toBe('lastDays');
	expect(named('days', 'report', 'create')?.default).toBe(7);
	for (const name of ['startDate', 'endDate']) expect(named(name, 'report', 'create')).toBeDefined();
	expect(named('waitForReport', 'report', 'create')?.default).toBe(true);
	expect(named('timeoutSeconds', 'report', 'create')?.default).toBe(120);
	expect(named('binaryPropertyName', 'report', 'create')?.default).toBe('report');
	expect(named('outputRows', 'report', 'create')?.default).toBe(false);
	expect(named('status', 'print', 'getMany')?.default).toBe('in_progress');
	expect(named('returnAll', 'print', 'getMany')?.default).toBe(false);
	expect(named('limit', 'print', 'getMany')?.default).toBe(50);
	for (const name of ['projectId', 'comment']) expect(named(name, 'project', 'addComment')).toBeDefined();
	for (const name of ['search', 'shared']) expect(named(name, 'project', 'getMany')).toBeDefined();
	expect((named('method', 'api', 'request')?.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['GET', 'PUT', 'POST', 'DELETE']);
	expect((named('service', 'api', 'request')?.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['connect', 'cura', 'report']);
	for (const name of ['path', 'query', 'body']) expect(named(name, 'api', 'request')).toBeDefined();
	expect(named('clusterId', 'printer', 'cameraSnapshot')?.type).toBe('resourceLocator');
	expect(named('printerUuid', 'printer', 'cameraSnapshot')?.default).toBe('');
	expect(named('timeoutSeconds', 'printer', 'cameraSnapshot')?.default).toBe(30);
	const inspectOptions = named('options', 'toolpath', 'inspect')?.options as Array<{ name: string }>;
	expect(inspectOptions.map((o) => o.name)).toContain('materialPricePerKg');
	// The API request says plainly that some paths act on printers.
	expect(findOperation('api', 'request')?.option.description).toMatch(/act on real printers/);
});

test('contract parameter names and defaults', () => {
	expect(property('binaryPropertyName', 'job')?.default).toBe('data');
	expect(property('waitForUpload', 'job')?.default).toBe(true);
	for (const name of ['jobName', 'contentType', 'origin']) expect(property(name, 'job')).toBeDefined();
	expect(property('jobId', 'job')).toBeDefined();
	expect(property('printJobUuid', 'print')).toBeDefined();
	expect(property('projectId', 'file')).toBeDefined();
	const cluster = property('clusterId', 'print')!;
	expect(cluster.type).toBe('resourceLocator');
	expect(cluster.modes?.map((m) => m.name)).toEqual(['list', 'id', 'host']);
	expect((property('printAction', 'print')?.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual(
		['abort', 'force', 'moveToTop', 'pause', 'remove', 'resume'],
	);
	for (const resource of ['job', 'project', 'cluster']) {
		expect(property('returnAll', resource)?.default).toBe(false);
		expect(property('limit', resource)?.default).toBe(50);
	}
	expect(PRINT_ACTIONS.moveToTop).toEqual({ apiAction: 'move', body: { data: { list: 'queued', to_position: 0 } }, idempotent: true });
});

/**
 * The issues n8n finds before it runs a workflow (WorkflowExecute.checkForWorkflowIssues): a required parameter
 * that is shown but empty refuses the whole workflow, which `n8n execute` reports only as 'No active execution found'.
 */
function parameterIssues(parameters: Record<string, unknown>): string[] {
	const node: INode = { id: 'n', name: 'Node', type: 'ultimakerDigitalFactory', typeVersion: 1, position: [0, 0], parameters: {} };
	node.parameters = NodeHelpers.getNodeParameters(description.properties, parameters as INode['parameters'], true, false, node, description)!;
	return Object.keys(NodeHelpers.getNodeParametersIssues(description.properties, node, description)?.parameters ?? {});
}

test('local network: no operation asks for a cluster (the credential\'s printer group is the cluster)', () => {
	const lanOperations = Object.entries(operations).flatMap(([resource, record]) =>
		Object.entries(record as Record<string, { connections?: readonly string[] }>)
			.filter(([, module]) => module.connections?.includes('localNetwork'))
			.map(([operation]) => [resource, operation]),
	);
	expect(lanOperations).toEqual(expect.arrayContaining([['print', 'uploadAndSend'], ['cluster', 'getStatus'], ['printer', 'cameraSnapshot']]));
	for (const [resource, operation] of lanOperations) {
		expect({ resource, operation, issues: parameterIssues({ authentication: 'localNetwork', resource, operation }) }).not.toEqual(
			expect.objectContaining({ issues: expect.arrayContaining(['clusterId']) }),
		);
	}
	// With Digital Factory the cluster stays required where it is shown.
	for (const operation of ['send', 'uploadAndSend']) {
		expect(parameterIssues({ authentication: 'apiToken', resource: 'print', operation, target: 'cluster' })).toContain('clusterId');
	}
});

test('unknown resource/operation pairs are not found (no prototype lookups)', () => {
	expect(findOperation('job', 'toString')).toBeUndefined();
	expect(findOperation('__proto__', 'get')).toBeUndefined();
	expect(Object.keys(operations).sort()).toEqual(['api', 'cluster', 'file', 'job', 'localNetwork', 'print', 'printer', 'project', 'report', 'toolpath']);
});

test('credentials: names, fields, Bearer auth, test request, OAuth2 endpoints and scopes', () => {
	const token = new UltimakerDigitalFactoryApi();
	expect(token.name).toBe('ultimakerDigitalFactoryApi');
	expect(token.displayName).toBe('Ultimaker Digital Factory API');
	expect(token.properties.map((p) => p.name)).toEqual(['apiToken', 'baseUrl', 'origin']);
	expect(token.properties[0].typeOptions?.password).toBe(true);
	expect(token.properties[1].default).toBe('https://api.ultimaker.com');
	expect(token.authenticate).toEqual({ type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.apiToken.trim()}}' } } });
	expect(token.test.request).toMatchObject({ url: '/connect/v1/clusters', method: 'GET' });

	const oauth = new UltimakerDigitalFactoryOAuth2Api();
	expect(oauth.name).toBe('ultimakerDigitalFactoryOAuth2Api');
	expect(oauth.displayName).toBe('Ultimaker Digital Factory OAuth2 API');
	expect(oauth.extends).toEqual(['oAuth2Api']);
	const field = (name: string) => oauth.properties.find((p) => p.name === name)!;
	expect(field('grantType').default).toBe('authorizationCode');
	expect(field('accountUrl').default).toBe('https://account.ultimaker.com');
	expect(field('authUrl').default).toBe('={{$self["accountUrl"].replace(/\\/+$/, "")}}/authorize');
	expect(field('accessTokenUrl').default).toBe('={{$self["accountUrl"].replace(/\\/+$/, "")}}/token');
	expect(field('scope').default).toBe(
		'openid connect.cluster.read connect.cluster.write cura.printjob.read cura.printjob.write cura.mesh.read cura.mesh.write library.project.read library.project.write',
	);
	expect(field('authQueryParameters').default).toContain('organization_id=');
	expect(field('baseUrl').default).toBe('https://api.ultimaker.com');
});

test.each([
	['UltimakerDigitalFactory', 'ultimakerDigitalFactory'],
	['UltimakerDigitalFactoryTrigger', 'ultimakerDigitalFactoryTrigger'],
])('codex %s.node.json: package-qualified node name, categories, documentation links', (file, nodeName) => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const codex = require(`../../../nodes/UltimakerDigitalFactory/${file}.node.json`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const pkg = require('../../../package.json');
	expect(codex.node).toBe(`${pkg.name}.${nodeName}`);
	expect(codex.categories.length).toBeGreaterThan(0);
	for (const link of [...codex.resources.primaryDocumentation, ...codex.resources.credentialDocumentation]) {
		expect(link.url).toMatch(new RegExp(`^${pkg.homepage.replace(/#readme$/, '')}`));
	}
});

test('farm dispatch contract names: Inspect toolpath and Find printer parameters; no credential for Inspect toolpath', () => {
	const forOperation = (name: string, resource: string, operation: string) =>
		description.properties.find(
			(p) =>
				p.name === name &&
				(p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource) &&
				(p.displayOptions?.show?.operation as string[] | undefined)?.includes(operation),
		);
	expect(forOperation('binaryPropertyName', 'toolpath', 'inspect')?.default).toBe('data');
	const source = forOperation('source', 'print', 'findPrinter')!;
	expect(source.default).toBe('toolpath');
	expect((source.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['toolpath', 'requirements']);
	for (const name of ['machine', 'materials', 'printCores']) {
		expect(forOperation(name, 'print', 'findPrinter')?.displayOptions?.show?.source).toEqual(['requirements']);
	}
	expect(forOperation('binaryPropertyName', 'print', 'findPrinter')?.displayOptions?.show?.source).toEqual(['toolpath']);
	expect(forOperation('clusterScope', 'print', 'findPrinter')?.default).toBe('all');
	expect(forOperation('clusterIds', 'print', 'findPrinter')?.displayOptions?.show?.clusterScope).toEqual(['selected']);
	expect(typeof new UltimakerDigitalFactory().methods.loadOptions.getClusters).toBe('function');
	for (const credential of description.credentials ?? []) expect(credential.displayOptions?.hide).toEqual({ resource: ['toolpath'] });
	expect(property('authentication')?.displayOptions?.hide).toEqual({ resource: ['toolpath'] });
	expect(findOperation('toolpath', 'inspect')?.usesApi).toBe(false);
});

test('farm dispatch contract names: target, copies and reference on the print and upload operations', () => {
	const forOperation = (name: string, resource: string, operation: string) =>
		description.properties.filter(
			(p) =>
				p.name === name &&
				(p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource) &&
				(p.displayOptions?.show?.operation as string[] | undefined)?.includes(operation),
		);
	for (const operation of ['send', 'uploadAndSend']) {
		const [target] = forOperation('target', 'print', operation);
		expect(target.default).toBe('cluster');
		expect((target.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['cluster', 'bestMatch']);
		const [copies] = forOperation('copies', 'print', operation);
		expect(copies).toMatchObject({ type: 'number', default: 1 });
		expect(copies.displayOptions?.show?.target).toEqual(['bestMatch']);
		const [cluster] = forOperation('clusterId', 'print', operation);
		expect(cluster.displayOptions?.show?.target).toEqual(['cluster']);
		expect(forOperation('clusterScope', 'print', operation)[0].displayOptions?.show?.target).toEqual(['bestMatch']);
		expect(forOperation('reference', 'print', operation)[0].default).toBe('');
	}
	expect(forOperation('reference', 'job', 'upload')[0]).toMatchObject({ type: 'string', default: '' });
	expect(forOperation('source', 'print', 'send')[0].displayOptions?.show?.target).toEqual(['bestMatch']);
});
