/**
 * Example and test workflows as data. Examples are stored the way a user who installed the package from
 * n8n's Community nodes screen sees them (`n8n-nodes-ultimaker.<node>`); the demo and the e2e tests load
 * the package from dist/ through N8N_CUSTOM_EXTENSIONS, where n8n names the same nodes `CUSTOM.<node>`,
 * so they rewrite the prefix on import.
 */
import { randomUUID } from 'node:crypto';
import type { INode } from 'n8n-workflow';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOM_PREFIX, PACKAGE_PREFIX, REPO_ROOT } from './n8n';

export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

/** A node of a workflow as n8n's JSON holds it (n8n's INode, loosely typed: examples are read from files). */
export interface WorkflowNode extends Pick<INode, 'id' | 'name' | 'type' | 'typeVersion' | 'position'> {
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	[key: string]: unknown;
}

export interface Workflow {
	id: string;
	name: string;
	active?: boolean;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;
	settings?: Record<string, unknown>;
	pinData?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface CredentialRef {
	id: string;
	name: string;
}

/** The credential the examples reference; the demo imports one with this id. */
export const EXAMPLE_CREDENTIAL: CredentialRef = { id: 'udfEmulatorCred01', name: 'Ultimaker emulator' };
export const API_CREDENTIAL_TYPE = 'ultimakerDigitalFactoryApi';
/** The local network credential the examples on the LAN reference (authentication = localNetwork). */
export const EXAMPLE_LAN_CREDENTIAL: CredentialRef = { id: 'udfEmulatorLan01', name: 'Ultimaker printer (local network)' };
export const LAN_CREDENTIAL_TYPE = 'ultimakerLocalNetworkApi';

export function isUltimakerNode(node: WorkflowNode): boolean {
	return node.type.startsWith(PACKAGE_PREFIX) || node.type.startsWith(CUSTOM_PREFIX);
}

export function listExampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort();
}

export function loadExample(file: string): Workflow {
	return JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Workflow;
}

/** A deep copy whose package nodes use the prefix n8n gives to nodes loaded from N8N_CUSTOM_EXTENSIONS. */
export function forCustomLoading(workflow: Workflow): Workflow {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		if (node.type.startsWith(PACKAGE_PREFIX)) node.type = CUSTOM_PREFIX + node.type.slice(PACKAGE_PREFIX.length);
	}
	return copy;
}

/** Points every Ultimaker node of the workflow at the given credential. */
/**
 * Every Ultimaker node on `credential`; nodes on the local network (authentication = localNetwork) on
 * `lanCredential` instead, or left as they are without one.
 */
export function withCredential(workflow: Workflow, credential: CredentialRef, lanCredential?: CredentialRef): Workflow {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		if (!isUltimakerNode(node)) continue;
		if (node.parameters.authentication !== 'localNetwork') node.credentials = { [API_CREDENTIAL_TYPE]: { ...credential } };
		else if (lanCredential) node.credentials = { [LAN_CREDENTIAL_TYPE]: { ...lanCredential } };
	}
	return copy;
}

/** Whether n8n can activate the workflow: it has a trigger other than the Manual Trigger (a schedule, webhook, poller…). */
export function hasActivatingTrigger(workflow: Workflow): boolean {
	return workflow.nodes.some((node) => node.type !== 'n8n-nodes-base.manualTrigger' && /(Trigger|\.webhook)$/.test(node.type));
}

export function findNode(workflow: Workflow, name: string): WorkflowNode {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`Workflow "${workflow.name}" has no node named "${name}"`);
	return node;
}

/** Adds `to` after `from` (output 0) without removing existing connections. */
export function connect(workflow: Workflow, from: string, to: string): void {
	const outputs = (workflow.connections[from] ??= { main: [[]] });
	(outputs.main[0] ??= []).push({ node: to, type: 'main', index: 0 });
}

/** A credential file entry for `n8n import:credentials`: plain data, n8n encrypts it on import. */
export function apiCredential(ref: CredentialRef, baseUrl: string, apiToken: string) {
	return { id: ref.id, name: ref.name, type: API_CREDENTIAL_TYPE, data: { apiToken, baseUrl } };
}

/** The same for the local network: the printer group's host (`host[:port]`) and a pairing (empty: read-only). */
export function lanCredential(ref: CredentialRef, host: string, pairing: { id: string; key: string } | null) {
	return { id: ref.id, name: ref.name, type: LAN_CREDENTIAL_TYPE, data: { host, authId: pairing?.id ?? '', authKey: pairing?.key ?? '' } };
}

/** The one node after a webhook; webhookWorkflow places it (and names it `<workflow id>-step` without an id). */
export type WebhookStep = Pick<WorkflowNode, 'name' | 'type' | 'typeVersion' | 'parameters' | 'credentials' | 'onError'> &
	Partial<Pick<WorkflowNode, 'id' | 'position'>>;

/** A POST webhook named Webhook that answers with the last node's first item once the execution finished. */
export function webhookTrigger(id: string, path: string): WorkflowNode {
	return {
		id,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
	};
}

/** Webhook (answers with the last node's first item once the execution finished) → one step. */
export function webhookWorkflow(id: string, path: string, step: WebhookStep): Workflow {
	return {
		id,
		name: `${id}: POST /webhook/${path}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [webhookTrigger(`${id}-hook`, path), { ...step, id: step.id ?? `${id}-step`, position: [220, 0] }],
		connections: { Webhook: { main: [[{ node: step.name, type: 'main', index: 0 }]] } },
	};
}

/** The name of the trigger node in eventRecorderWorkflow. */
export const RECORDED_TRIGGER = 'Ultimaker Digital Factory Trigger';

/**
 * The trigger (every minute, all clusters, every event) → an HTTP Request node posting each event to
 * `recorderUrl` (the emulator's recorder), for tests that assert what n8n delivered.
 */
export function eventRecorderWorkflow(id: string, recorderUrl: string, credential: CredentialRef): Workflow {
	return {
		id,
		name: `${id}: every trigger event → recorder`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}-trigger`,
				name: RECORDED_TRIGGER,
				type: `${CUSTOM_PREFIX}ultimakerDigitalFactoryTrigger`,
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, clusterScope: 'all', events: [], options: {} },
				credentials: { [API_CREDENTIAL_TYPE]: { ...credential } },
			},
			{
				id: `${id}-post`,
				name: 'Record event',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
				parameters: { method: 'POST', url: recorderUrl, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify($json) }}', options: {} },
			},
		],
		connections: { [RECORDED_TRIGGER]: { main: [[{ node: 'Record event', type: 'main', index: 0 }]] } },
	};
}
