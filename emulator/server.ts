/**
 * A request's way through a listener: its context and request-log entry, an injected fault if one matches, then
 * the API's router or the storage handler; errors are answered as that server answers them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Router } from './http';
import { HttpError, baseUrlOf, errorEnvelope, send, sendError, sendJson } from './http';
import type { Runtime } from './runtime';
import { applyFault } from './faultEffects';
import { handleStorage } from './storage';

export type ServerName = Context['server'];

function newContext(rt: Runtime, server: ServerName, req: IncomingMessage, res: ServerResponse): Context {
	let url: URL;
	try {
		url = new URL(req.url ?? '/', 'http://emulator.invalid');
	} catch {
		url = new URL('/', 'http://emulator.invalid');
	}
	return {
		server,
		req,
		res,
		method: req.method ?? 'GET',
		path: (req.url ?? '/').split('?')[0]!,
		query: url.searchParams,
		params: {},
		bodyBytes: 0,
		truncateResponse: false,
		dropAfterBodyBytes: null,
		baseUrl: baseUrlOf(req, server === 'api' ? rt.apiUrl() : rt.storageUrl()),
	};
}

async function dispatch(router: Router, ctx: Context): Promise<void> {
	const match = router.match(ctx.method, ctx.path);
	if (match === null) throw new HttpError(404, 'notFound', 'Not found', `No route for ${ctx.method} ${ctx.path}.`);
	if (match === 'methodNotAllowed') throw new HttpError(405, 'methodNotAllowed', 'Method not allowed', `${ctx.method} is not supported on ${ctx.path}.`);
	ctx.params = match.params;
	await match.handler(ctx);
}

/** An HttpError as the server answers it (plain text on storage, the errors envelope on the API); anything else is a 500. */
function answerError(ctx: Context, error: unknown): void {
	if (error instanceof HttpError) {
		if (ctx.server === 'storage') send(ctx, error.status, error.message, { 'Content-Type': 'text/plain' });
		else sendError(ctx, error);
	} else if (!ctx.res.headersSent && !ctx.res.destroyed && !ctx.req.socket.destroyed) {
		console.error('[emulator] handler failed:', error);
		sendJson(ctx, 500, errorEnvelope(500, 'internalError', 'Internal server error', 'The emulator hit an unexpected error.'));
	}
}

/** The request handler of both listeners: `api` routes through `router`, `storage` goes to the storage handler. */
export function requestHandler(rt: Runtime, router: Router): (server: ServerName, req: IncomingMessage, res: ServerResponse) => Promise<void> {
	const serve = (ctx: Context) => (ctx.server === 'storage' ? handleStorage(rt, ctx) : dispatch(router, ctx));
	return async (server, req, res) => {
		const ctx = newContext(rt, server, req, res);
		// The control API is neither logged nor faulted: tests drive it while they watch the rest.
		const isControl = server === 'api' && ctx.path.startsWith('/_emulator/');
		const entry = isControl ? null : rt.log.start(server, req, ctx.path, ctx.query);
		res.on('close', () => {
			if (!entry) return;
			entry.status = res.headersSent ? res.statusCode : 0;
			entry.bodyBytes = ctx.bodyBytes;
		});
		req.on('error', () => undefined);
		res.on('error', () => undefined);
		try {
			const fault = isControl ? null : rt.faults.take(ctx.method, ctx.path);
			if (fault && entry) entry.fault = fault.kind;
			if (fault && (await applyFault(ctx, fault, { rt, serve }))) return;
			await serve(ctx);
		} catch (error) {
			answerError(ctx, error);
		}
	};
}
