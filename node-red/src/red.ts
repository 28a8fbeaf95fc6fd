/**
 * The part of Node-RED's runtime API the nodes use (typed here: Node-RED ships no types), and the small helpers
 * every node shares for reading a message.
 */
import type { HostFile } from './host';

export interface NodeStatus {
	fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
	shape?: 'ring' | 'dot';
	text?: string;
}

export interface ContextStore {
	get(key: string, store: string | undefined, callback: (error: Error | null, value: unknown) => void): void;
	set(key: string, value: unknown, store: string | undefined, callback: (error: Error | null) => void): void;
}

export type Msg = Record<string, unknown> & { payload?: unknown; _msgid?: string };

export type Send = (msg: Msg | Msg[] | Array<Msg | Msg[] | null>) => void;

export interface RedNode {
	id: string;
	name?: string;
	type: string;
	credentials?: Record<string, string | undefined>;
	on(event: 'input', listener: (msg: Msg, send: Send, done: (error?: Error) => void) => void): void;
	on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
	send(msg: Msg | Msg[] | Array<Msg | Msg[] | null>): void;
	status(status: NodeStatus | Record<string, never>): void;
	error(message: string, msg?: Msg): void;
	warn(message: string): void;
	context(): ContextStore;
}

export type NodeConfig = Record<string, unknown>;

/** The bits of Express's request and response the admin endpoint uses. */
export interface AdminRequest {
	body?: Record<string, unknown>;
}
export interface AdminResponse {
	status(code: number): AdminResponse;
	json(body: unknown): void;
}
type AdminHandler = (req: AdminRequest, res: AdminResponse, next?: () => void) => void;

export interface Red {
	/** The editor's admin HTTP API (absent in a runtime without the editor). */
	httpAdmin?: { post(path: string, ...handlers: AdminHandler[]): void };
	auth?: { needsPermission(permission: string): AdminHandler };
	nodes: {
		createNode(node: RedNode, config: NodeConfig): void;
		registerType(type: string, constructor: (this: RedNode, config: NodeConfig) => void, options?: Record<string, unknown>): void;
		getNode(id: string): RedNode | null;
	};
}

export function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

/** The first of the values that is set (a message field before the node's setting). */
export function firstSet(...values: unknown[]): unknown {
	return values.find((value) => value !== undefined && value !== null && value !== '');
}

/** A status dot's text is one short line. */
export function shortStatus(message: string): string {
	return message.length > 40 ? `${message.slice(0, 39)}…` : message;
}

/** msg.payload as the toolpath file (a Buffer), named by msg.filename without its folders. */
export function fileOf(msg: Msg): HostFile | undefined {
	if (!Buffer.isBuffer(msg.payload)) return undefined;
	return { buffer: msg.payload, fileName: text(msg.filename).split(/[\\/]/).pop() || undefined, mimeType: 'application/octet-stream' };
}
