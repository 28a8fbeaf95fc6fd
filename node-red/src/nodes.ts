/**
 * The Node-RED nodes (DESIGN.md §12): a config node for the connection and one node per operation, each a thin
 * mapping from a message and the node's settings onto the shared operation (run.ts). What is host-specific lives
 * here: reading msg fields, status dots, node.error(message, msg), timers and context storage for the events node.
 */
import { errorDetails, runOperation, runPoll } from './run';
import type { Output } from './run';
import type { HostFile } from './host';

/* The part of Node-RED's runtime API used here (typed locally: Node-RED ships no types). */
interface NodeStatus {
	fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
	shape?: 'ring' | 'dot';
	text?: string;
}
interface ContextStore {
	get(key: string, store: string | undefined, callback: (error: Error | null, value: unknown) => void): void;
	set(key: string, value: unknown, store: string | undefined, callback: (error: Error | null) => void): void;
}
type Msg = Record<string, unknown> & { payload?: unknown; _msgid?: string };
interface RedNode {
	id: string;
	name?: string;
	type: string;
	credentials?: Record<string, string | undefined>;
	on(event: 'input', listener: (msg: Msg, send: (msg: Msg | Msg[] | Array<Msg | Msg[] | null>) => void, done: (error?: Error) => void) => void): void;
	on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
	send(msg: Msg | Msg[] | Array<Msg | Msg[] | null>): void;
	status(status: NodeStatus | Record<string, never>): void;
	error(message: string, msg?: Msg): void;
	warn(message: string): void;
	context(): ContextStore;
}
interface Red {
	nodes: {
		createNode(node: RedNode, config: Record<string, unknown>): void;
		registerType(type: string, constructor: (this: RedNode, config: Record<string, unknown>) => void, options?: Record<string, unknown>): void;
		getNode(id: string): RedNode | null;
	};
}

interface ConnectionNode extends RedNode {
	connection: 'cloud' | 'localNetwork';
	baseUrl: string;
	host: string;
}

const DEFAULT_BASE_URL = 'https://api.ultimaker.com';

/** The config node's values as the shared code's credential, or the reason there is none. */
function credentialsOf(connection: ConnectionNode | null): Record<string, Record<string, unknown>> {
	if (!connection) throw new Error('No Ultimaker connection: pick or add one in the node\'s "Connection" field');
	if (connection.connection === 'localNetwork') {
		throw new Error('The local network connection is not available in this version of the package: use a Digital Factory (cloud) connection');
	}
	return {
		ultimakerDigitalFactoryApi: { apiToken: connection.credentials?.apiToken ?? '', baseUrl: connection.baseUrl || DEFAULT_BASE_URL, origin: '' },
	};
}

function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

/** The first of the values that is set (a message field before the node's setting). */
function firstSet(...values: unknown[]): unknown {
	return values.find((value) => value !== undefined && value !== null && value !== '');
}

function shortStatus(message: string): string {
	return message.length > 40 ? `${message.slice(0, 39)}…` : message;
}

function fileOf(msg: Msg): HostFile | undefined {
	if (!Buffer.isBuffer(msg.payload)) return undefined;
	return { buffer: msg.payload, fileName: text(msg.filename).split(/[\\/]/).pop() || undefined, mimeType: 'application/octet-stream' };
}

/**
 * One operation per message: status dot while it runs, one output message per result (msg copied per result
 * beyond the first), and on failure node.error(message, msg) with the details in msg.ultimakerError.
 */
function operationNode(
	RED: Red,
	node: RedNode,
	config: Record<string, unknown>,
	spec: {
		busy: string;
		usesApi?: boolean;
		prepare(msg: Msg): { resource: string; operation: string; parameters: Record<string, unknown>; file?: HostFile };
		output(msg: Msg, result: Output, index: number): Msg;
		done(results: Output[]): string;
	},
): void {
	const connection = RED.nodes.getNode(String(config.connection ?? '')) as ConnectionNode | null;
	const running = new Set<AbortController>();
	node.status({});
	node.on('input', (msg, send, done) => {
		const abort = new AbortController();
		running.add(abort);
		node.status({ fill: 'blue', shape: 'dot', text: spec.busy });
		void (async () => {
			try {
				const { resource, operation, parameters, file } = spec.prepare(msg);
				const results = await runOperation(resource, operation, {
					node: { id: node.id, name: node.name, type: node.type },
					parameters,
					credentials: spec.usesApi === false ? {} : credentialsOf(connection),
					files: file ? { data: file } : undefined,
					signal: abort.signal,
				});
				node.status({ fill: 'green', shape: 'dot', text: spec.done(results) });
				const out = results.map((result, index) => spec.output(index === 0 ? msg : { ...msg }, result, index));
				if (out.length > 0) send([out]);
				done();
			} catch (error) {
				const details = errorDetails(error);
				node.status({ fill: 'red', shape: 'ring', text: shortStatus(String(details.message)) });
				msg.ultimakerError = details;
				node.error(String(details.message), msg);
				done();
			} finally {
				running.delete(abort);
			}
		})();
	});
	node.on('close', (_removed, closed) => {
		for (const abort of running) abort.abort();
		closed();
	});
}

export = function register(RED: Red): void {
	RED.nodes.registerType(
		'ultimaker-connection',
		function (this: RedNode, config: Record<string, unknown>) {
			RED.nodes.createNode(this, config);
			const node = this as ConnectionNode;
			node.name = text(config.name);
			node.connection = config.connection === 'localNetwork' ? 'localNetwork' : 'cloud';
			node.baseUrl = text(config.baseUrl) || DEFAULT_BASE_URL;
			node.host = text(config.host);
		},
		{ credentials: { apiToken: { type: 'password' }, authId: { type: 'text' }, authKey: { type: 'password' } } },
	);

	RED.nodes.registerType('ultimaker-status', function (this: RedNode, config: Record<string, unknown>) {
		RED.nodes.createNode(this, config);
		operationNode(RED, this, config, {
			busy: 'reading…',
			prepare: (msg) => ({
				resource: 'cluster',
				operation: 'getStatus',
				parameters: { clusterId: text(firstSet(msg.clusterId, config.clusterId)), splitInto: 'none' },
			}),
			output: (msg, result) => Object.assign(msg, { payload: result.json }),
			done: (results) => {
				const printers = results[0]?.json.printers;
				return `${Array.isArray(printers) ? printers.length : 0} printers`;
			},
		});
	});

	RED.nodes.registerType('ultimaker-print', function (this: RedNode, config: Record<string, unknown>) {
		RED.nodes.createNode(this, config);
		operationNode(RED, this, config, {
			busy: 'uploading…',
			prepare: (msg) => {
				const file = fileOf(msg);
				if (!file) throw new Error('msg.payload must be a Buffer holding the toolpath (.gcode, .gcode.gz or .ufp)');
				const target = firstSet(msg.target, config.target) === 'bestMatch' ? 'bestMatch' : 'cluster';
				const clusterIds = text(firstSet(msg.clusterIds, config.clusterIds));
				return {
					resource: 'print',
					operation: 'uploadAndSend',
					file,
					parameters: {
						target,
						clusterId: text(firstSet(msg.clusterId, config.clusterId)),
						binaryPropertyName: 'data',
						jobName: text(firstSet(msg.jobName, config.jobName)),
						contentType: '',
						origin: '',
						clusterScope: clusterIds ? 'selected' : 'all',
						clusterIds,
						copies: Number(firstSet(msg.copies, config.copies, 1)),
						onlyIfIdle: firstSet(msg.onlyIfIdle, config.onlyIfIdle) === true,
						reference: text(firstSet(msg.reference, config.reference)),
					},
				};
			},
			output: (msg, result) => Object.assign(msg, { payload: result.json }),
			done: (results) => `queued ${results.length} print${results.length === 1 ? '' : 's'}`,
		});
	});

	RED.nodes.registerType('ultimaker-job-action', function (this: RedNode, config: Record<string, unknown>) {
		RED.nodes.createNode(this, config);
		operationNode(RED, this, config, {
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
			output: (msg, result) => Object.assign(msg, { payload: result.json }),
			done: (results) => String(results[0]?.json.action ?? 'done'),
		});
	});

	RED.nodes.registerType('ultimaker-find-printer', function (this: RedNode, config: Record<string, unknown>) {
		RED.nodes.createNode(this, config);
		operationNode(RED, this, config, {
			busy: 'matching…',
			prepare: (msg) => {
				const file = fileOf(msg);
				const needs = (!file && typeof msg.payload === 'object' && msg.payload !== null ? msg.payload : {}) as Record<string, unknown>;
				const clusterIds = text(firstSet(msg.clusterIds, config.clusterIds));
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
						clusterScope: clusterIds ? 'selected' : 'all',
						clusterIds,
					},
				};
			},
			output: (msg, result) => Object.assign(msg, Buffer.isBuffer(msg.payload) ? { toolpath: msg.payload } : {}, { payload: result.json }),
			done: (results) => {
				const chosen = results[0]?.json.chosen as Record<string, unknown> | null | undefined;
				return chosen ? `best: ${String(chosen.printer_name ?? chosen.cluster_id)}` : 'nothing fits';
			},
		});
	});

	RED.nodes.registerType('ultimaker-inspect', function (this: RedNode, config: Record<string, unknown>) {
		RED.nodes.createNode(this, config);
		operationNode(RED, this, config, {
			busy: 'reading…',
			usesApi: false,
			prepare: (msg) => {
				const file = fileOf(msg);
				if (!file) throw new Error('msg.payload must be a Buffer holding the toolpath (.gcode, .gcode.gz or .ufp)');
				return { resource: 'toolpath', operation: 'inspect', file, parameters: { binaryPropertyName: 'data' } };
			},
			output: (msg, result) => {
				const thumbnail = result.files.thumbnail;
				// msg.payload becomes the inspection; the toolpath travels on in msg.toolpath (and the thumbnail in msg.thumbnail).
				return Object.assign(msg, { toolpath: msg.payload, payload: result.json }, thumbnail ? { thumbnail: thumbnail.buffer } : {});
			},
			done: (results) => String(results[0]?.json.machine ?? 'inspected'),
		});
	});

	RED.nodes.registerType('ultimaker-events', function (this: RedNode, config: Record<string, unknown>) {
		RED.nodes.createNode(this, config);
		eventsNode(RED, this, config);
	});
};

/** Polls every `interval` seconds (and on any input), the diff state in the node's context (`store`), one msg per event. */
function eventsNode(RED: Red, node: RedNode, config: Record<string, unknown>): void {
	const connection = RED.nodes.getNode(String(config.connection ?? '')) as ConnectionNode | null;
	const store = text(config.store) || undefined;
	const intervalSeconds = Math.max(1, Number(config.interval) || 60);
	const clusterIds = text(config.clusterIds);
	const parameters = {
		clusterScope: clusterIds ? 'selected' : 'all',
		clusterIds,
		events: text(config.events),
		options: {
			progressMilestones: text(config.progressMilestones),
			emitOnFirstPoll: config.emitOnFirstPoll === true,
			includeSnapshot: config.includeSnapshot === true,
			offlineAfterMissedPolls: Number(config.offlineAfterMissedPolls) || 3,
		},
	};
	const context = node.context();
	const load = () =>
		new Promise<Record<string, unknown>>((resolve, reject) =>
			context.get('ultimakerEvents', store, (error, value) => (error ? reject(error) : resolve((value ?? {}) as Record<string, unknown>))),
		);
	const save = (value: Record<string, unknown>) =>
		new Promise<void>((resolve, reject) => context.set('ultimakerEvents', value, store, (error) => (error ? reject(error) : resolve())));
	let abort: AbortController | undefined;
	let closed = false;

	const pollOnce = async (trigger?: Msg): Promise<void> => {
		if (abort || closed) return;
		abort = new AbortController();
		node.status({ fill: 'blue', shape: 'dot', text: 'polling…' });
		try {
			const staticData = await load();
			const events = await runPoll({
				node: { id: node.id, name: node.name, type: node.type },
				parameters,
				credentials: credentialsOf(connection),
				staticData,
				signal: abort.signal,
			});
			await save(staticData);
			for (const event of events) node.send({ topic: String(event.event), payload: event });
			node.status({ fill: 'green', shape: 'dot', text: `${events.length} event${events.length === 1 ? '' : 's'} at ${new Date().toLocaleTimeString()}` });
		} catch (error) {
			const details = errorDetails(error);
			node.status({ fill: 'red', shape: 'ring', text: shortStatus(String(details.message)) });
			const msg: Msg = trigger ?? {};
			msg.ultimakerError = details;
			node.error(String(details.message), msg);
		} finally {
			abort = undefined;
		}
	};
	node.on('input', (msg, _send, done) => {
		void pollOnce(msg).then(() => done());
	});
	const first = setTimeout(() => void pollOnce(), 100);
	const timer = setInterval(() => void pollOnce(), intervalSeconds * 1000);
	node.on('close', (_removed, done) => {
		closed = true;
		clearTimeout(first);
		clearInterval(timer);
		abort?.abort();
		done();
	});
}
