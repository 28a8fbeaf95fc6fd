/**
 * Running the shared operations and the trigger's poll in the Node-RED host: the n8n package's own router
 * (actions/router.js: per-operation code, error words, secrets cleaned from outputs and errors) and poll
 * (trigger/poll.js: the status diff and its events), loaded from the compiled copy in ../shared.
 */
import type { IExecuteFunctions, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { bufferOf, hostContext } from './host';
import type { HostOptions } from './host';
import type { HostBinary } from './hostTypes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const router = require('../shared/actions/router') as { route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const trigger = require('../shared/trigger/poll') as { poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const failures = require('../shared/connections/failure') as { failureOf(error: unknown): { apiCode?: string; outcome?: string } | undefined };

export interface OutputFile {
	buffer: Buffer;
	fileName?: string;
	mimeType: string;
}

export interface Output {
	json: Record<string, unknown>;
	files: Record<string, OutputFile>;
}

export async function runOperation(resource: string, operation: string, options: Omit<HostOptions, 'mode'>): Promise<Output[]> {
	const context = hostContext({
		...options,
		mode: 'execute',
		parameters: { authentication: 'apiToken', ...options.parameters, resource, operation },
	});
	const [items] = await router.route.call(context as unknown as IExecuteFunctions);
	return items.map((item) => {
		const files: Record<string, OutputFile> = {};
		for (const [name, binary] of Object.entries((item.binary ?? {}) as Record<string, HostBinary>)) {
			const buffer = bufferOf(binary) ?? Buffer.from(binary.data, 'base64');
			files[name] = { buffer, fileName: binary.fileName, mimeType: binary.mimeType };
		}
		return { json: item.json as Record<string, unknown>, files };
	});
}

/** One poll; `staticData` is read and updated in place (its `state` key is the diff state to keep). */
export async function runPoll(options: Omit<HostOptions, 'mode'>): Promise<Array<Record<string, unknown>>> {
	const context = hostContext({ ...options, mode: 'poll', parameters: { authentication: 'apiToken', ...options.parameters } });
	const result = await trigger.poll.call(context as unknown as IPollFunctions);
	return result ? result[0].map((item) => item.json as Record<string, unknown>) : [];
}

/** The error's words and what n8n puts in an error item (router.ts errorJson), for msg.ultimakerError. */
export function errorDetails(error: unknown): Record<string, unknown> {
	const shape = error as { message?: string; description?: string | null; httpCode?: string | null; context?: Record<string, unknown> };
	const details: Record<string, unknown> = { message: shape?.message ?? String(error) };
	if (shape?.description) details.description = shape.description;
	if (shape?.httpCode) details.httpCode = shape.httpCode;
	const failure = failures.failureOf(error);
	if (failure?.apiCode) details.code = failure.apiCode;
	if (failure?.outcome) details.outcome = failure.outcome;
	if (typeof shape?.context?.job_id === 'string') details.job_id = shape.context.job_id;
	return details;
}
