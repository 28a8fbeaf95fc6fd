/**
 * The five operation nodes as mappings from a message and the node's settings onto the n8n node's parameters
 * (DESIGN.md §12). On the local network the cluster is the connection's printer group, so cluster ids are ignored
 * there by the shared code, as in n8n.
 */
import type { OperationSpec } from './operationNode';
import type { Msg, NodeConfig } from './red';
import { fileOf, firstSet, text } from './red';

type SpecFor = (config: NodeConfig) => OperationSpec;

const NOT_A_TOOLPATH = 'msg.payload must be a Buffer holding the toolpath (.gcode, .gcode.gz or .ufp)';

const payloadIsResult = (msg: Msg, result: { json: Record<string, unknown> }): Msg => Object.assign(msg, { payload: result.json });

/** Best match and find printer search every cluster unless some are named. */
function clusterScope(msg: Msg, config: NodeConfig): { clusterScope: 'all' | 'selected'; clusterIds: string } {
	const clusterIds = text(firstSet(msg.clusterIds, config.clusterIds));
	return { clusterScope: clusterIds ? 'selected' : 'all', clusterIds };
}

const status: SpecFor = (config) => ({
	busy: 'reading…',
	prepare: (msg) => ({
		resource: 'cluster',
		operation: 'getStatus',
		parameters: { clusterId: text(firstSet(msg.clusterId, config.clusterId)), splitInto: 'none' },
	}),
	output: payloadIsResult,
	done: (results) => {
		const printers = results[0]?.json.printers;
		return `${Array.isArray(printers) ? printers.length : 0} printers`;
	},
});

const print: SpecFor = (config) => ({
	busy: 'uploading…',
	prepare: (msg) => {
		const file = fileOf(msg);
		if (!file) throw new Error(NOT_A_TOOLPATH);
		return {
			resource: 'print',
			operation: 'uploadAndSend',
			file,
			parameters: {
				target: firstSet(msg.target, config.target) === 'bestMatch' ? 'bestMatch' : 'cluster',
				clusterId: text(firstSet(msg.clusterId, config.clusterId)),
				// Local network only: one printer of the group (unique_name or friendly_name); empty = the group's queue.
				printerName: text(firstSet(msg.printerName, config.printerName)),
				binaryPropertyName: 'data',
				jobName: text(firstSet(msg.jobName, config.jobName)),
				contentType: '',
				origin: '',
				...clusterScope(msg, config),
				copies: Number(firstSet(msg.copies, config.copies, 1)),
				onlyIfIdle: firstSet(msg.onlyIfIdle, config.onlyIfIdle) === true,
				reference: text(firstSet(msg.reference, config.reference)),
			},
		};
	},
	output: payloadIsResult,
	done: (results) => `queued ${results.length} print${results.length === 1 ? '' : 's'}`,
});

const jobAction: SpecFor = (config) => ({
	busy: 'sending…',
	prepare: (msg) => {
		const payload = (typeof msg.payload === 'object' && msg.payload !== null ? msg.payload : {}) as Record<string, unknown>;
		return {
			resource: 'print',
			operation: 'action',
			parameters: {
				clusterId: text(firstSet(payload.clusterId, msg.clusterId, config.clusterId)),
				printJobUuid: text(firstSet(payload.printJobUuid, config.printJobUuid)),
				printAction: text(firstSet(payload.action, config.action)),
			},
		};
	},
	output: payloadIsResult,
	done: (results) => String(results[0]?.json.action ?? 'done'),
});

const findPrinter: SpecFor = (config) => ({
	busy: 'matching…',
	prepare: (msg) => {
		const file = fileOf(msg);
		const needs = (!file && typeof msg.payload === 'object' && msg.payload !== null ? msg.payload : {}) as Record<string, unknown>;
		return {
			resource: 'print',
			operation: 'findPrinter',
			file,
			parameters: {
				source: file ? 'toolpath' : 'requirements',
				binaryPropertyName: 'data',
				machine: text(needs.machine),
				materials: text(needs.materials),
				printCores: text(needs.printCores),
				buildPlate: text(needs.buildPlate),
				...clusterScope(msg, config),
			},
		};
	},
	// A toolpath moves on to msg.toolpath; msg.payload becomes the match.
	output: (msg, result) => Object.assign(msg, Buffer.isBuffer(msg.payload) ? { toolpath: msg.payload } : {}, { payload: result.json }),
	done: (results) => {
		const chosen = results[0]?.json.chosen as Record<string, unknown> | null | undefined;
		return chosen ? `best: ${String(chosen.printer_name ?? chosen.cluster_id)}` : 'nothing fits';
	},
});

const inspect: SpecFor = () => ({
	busy: 'reading…',
	usesApi: false,
	prepare: (msg) => {
		const file = fileOf(msg);
		if (!file) throw new Error(NOT_A_TOOLPATH);
		return { resource: 'toolpath', operation: 'inspect', file, parameters: { binaryPropertyName: 'data' } };
	},
	output: (msg, result) => {
		const thumbnail = result.files.thumbnail;
		// msg.payload becomes the inspection; the toolpath travels on in msg.toolpath (and the thumbnail in msg.thumbnail).
		return Object.assign(msg, { toolpath: msg.payload, payload: result.json }, thumbnail ? { thumbnail: thumbnail.buffer } : {});
	},
	done: (results) => String(results[0]?.json.machine ?? 'inspected'),
});

/** Node type → its operation, for the five nodes that run one operation per message. */
export const OPERATION_NODES: Record<string, SpecFor> = {
	'ultimaker-status': status,
	'ultimaker-print': print,
	'ultimaker-job-action': jobAction,
	'ultimaker-find-printer': findPrinter,
	'ultimaker-inspect': inspect,
};
