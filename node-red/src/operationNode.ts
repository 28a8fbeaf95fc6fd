/**
 * One shared operation per message: status dot while it runs, one output message per result (msg copied per result
 * beyond the first), and on failure node.error(message, msg) with the details in msg.ultimakerError.
 */
import type { ConnectionSettings } from './connection';
import { connectionNode, connectionSettings } from './connection';
import type { HostFile } from './host';
import type { Msg, NodeConfig, Red, RedNode, Send } from './red';
import { shortStatus } from './red';
import type { Output } from './run';
import { errorDetails, runOperation } from './run';

export interface OperationRequest {
	resource: string;
	operation: string;
	parameters: Record<string, unknown>;
	file?: HostFile;
}

export interface OperationSpec {
	busy: string;
	/** false: the operation makes no request (toolpath inspection), so the node needs no connection. */
	usesApi?: boolean;
	prepare(msg: Msg): OperationRequest;
	output(msg: Msg, result: Output, index: number): Msg;
	done(results: Output[]): string;
}

const NO_CONNECTION: ConnectionSettings = { authentication: 'apiToken', credentials: {} };

/** Reports a failure the Node-RED way: red ring, node.error(message, msg), the details in msg.ultimakerError. */
export function reportError(node: RedNode, error: unknown, msg: Msg): void {
	const details = errorDetails(error);
	node.status({ fill: 'red', shape: 'ring', text: shortStatus(String(details.message)) });
	msg.ultimakerError = details;
	node.error(String(details.message), msg);
}

async function runFor(node: RedNode, spec: OperationSpec, settings: () => ConnectionSettings, msg: Msg, signal: AbortSignal): Promise<Output[]> {
	const { resource, operation, parameters, file } = spec.prepare(msg);
	const { authentication, credentials } = spec.usesApi === false ? NO_CONNECTION : settings();
	return await runOperation(resource, operation, {
		node: { id: node.id, name: node.name, type: node.type },
		parameters: { authentication, ...parameters },
		credentials,
		files: file ? { data: file } : undefined,
		signal,
	});
}

export function operationNode(RED: Red, node: RedNode, config: NodeConfig, spec: OperationSpec): void {
	const connection = connectionNode(RED, config);
	const settings = () => connectionSettings(connection);
	const running = new Set<AbortController>();
	node.status({});
	const handle = async (msg: Msg, send: Send, done: () => void): Promise<void> => {
		const abort = new AbortController();
		running.add(abort);
		node.status({ fill: 'blue', shape: 'dot', text: spec.busy });
		try {
			const results = await runFor(node, spec, settings, msg, abort.signal);
			node.status({ fill: 'green', shape: 'dot', text: spec.done(results) });
			const out = results.map((result, index) => spec.output(index === 0 ? msg : { ...msg }, result, index));
			if (out.length > 0) send([out]);
		} catch (error) {
			reportError(node, error, msg);
		} finally {
			running.delete(abort);
			done();
		}
	};
	node.on('input', (msg, send, done) => void handle(msg, send, done));
	node.on('close', (_removed, closed) => {
		for (const abort of running) abort.abort();
		closed();
	});
}
