/** The request log: what clients sent (secrets' values redacted), bounded so long runs stay small. */
import type { IncomingMessage } from 'node:http';
import { redactHeaders, redactQuery } from './http';

export interface LoggedRequest {
	seq: number;
	at: string;
	server: 'api' | 'storage';
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	/** Response status; 0 when the connection was dropped without an answer. */
	status: number;
	bodyBytes: number;
	fault?: string;
}

export class RequestLog {
	private entries: LoggedRequest[] = [];
	private seq = 0;

	constructor(private readonly limit = 5000) {}

	start(server: 'api' | 'storage', req: IncomingMessage, path: string, query: URLSearchParams): LoggedRequest {
		const entry: LoggedRequest = {
			seq: ++this.seq,
			at: new Date().toISOString(),
			server,
			method: req.method ?? 'GET',
			path,
			query: redactQuery(query),
			headers: redactHeaders(req.headers),
			status: 0,
			bodyBytes: 0,
		};
		this.entries.push(entry);
		if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
		return entry;
	}

	list(): LoggedRequest[] {
		return this.entries.map((entry) => ({ ...entry }));
	}

	clear(): void {
		this.entries = [];
	}
}
