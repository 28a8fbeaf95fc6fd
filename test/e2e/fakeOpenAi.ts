/**
 * A local OpenAI-compatible chat-completions server for the AI Agent end-to-end test: n8n's OpenAI Chat Model
 * node reaches it through the credential's Base URL. It is a scripted model — `reply` decides each answer
 * from the conversation so far (tool calls, then plain text) — and it records every request, so the test can
 * assert what n8n offered the model (tool names, descriptions, parameter schemas) and what the tools returned.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: ToolCall[];
	tool_call_id?: string;
}

export interface ToolCall {
	id: string;
	type: 'function';
	function: { name: string; arguments: string };
}

export interface OfferedTool {
	type: 'function';
	function: { name: string; description?: string; parameters?: { properties?: Record<string, any>; required?: string[] } };
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: OfferedTool[];
	stream?: boolean;
	[key: string]: unknown;
}

/** What the scripted model answers: tool calls (name + arguments) or a final text. */
export type Reply = { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> } | { content: string };

export interface FakeOpenAi {
	/** The Base URL for n8n's `openAiApi` credential (`…/v1`). */
	url: string;
	apiKey: string;
	requests: ChatRequest[];
	/** Requests to paths other than /v1/chat/completions (the test expects none). */
	unexpected: string[];
	close(): Promise<void>;
}

export function textOf(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	return (message.content ?? []).map((part) => part.text ?? '').join('');
}

async function readBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeOpenAi(reply: (request: ChatRequest) => Reply): Promise<FakeOpenAi> {
	const apiKey = 'sk-fake-openai-e2e';
	const requests: ChatRequest[] = [];
	const unexpected: string[] = [];
	let calls = 0;
	const server: Server = createServer(async (request, response) => {
		const send = (status: number, body: unknown) => {
			response.writeHead(status, { 'content-type': 'application/json' });
			response.end(JSON.stringify(body));
		};
		try {
			const text = await readBody(request);
			if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
				unexpected.push(`${request.method} ${request.url}`);
				return send(404, { error: { message: `The fake serves POST /v1/chat/completions only, not ${request.method} ${request.url}` } });
			}
			if (request.headers.authorization !== `Bearer ${apiKey}`) {
				return send(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
			}
			const body = JSON.parse(text) as ChatRequest;
			requests.push(body);
			if (body.stream) {
				// n8n's CLI runs do not stream; a streamed request means the setup changed — say so.
				return send(400, { error: { message: 'The fake does not stream (stream: true was requested)' } });
			}
			const answer = reply(body);
			calls += 1;
			const message =
				'toolCalls' in answer
					? {
							role: 'assistant',
							content: null,
							tool_calls: answer.toolCalls.map((call, index) => ({
								id: `call_${calls}_${index}`,
								type: 'function',
								function: { name: call.name, arguments: JSON.stringify(call.arguments) },
							})),
						}
					: { role: 'assistant', content: answer.content };
			send(200, {
				id: `chatcmpl-fake-${calls}`,
				object: 'chat.completion',
				created: Math.floor(Date.now() / 1000),
				model: body.model,
				choices: [{ index: 0, message, finish_reason: 'toolCalls' in answer ? 'tool_calls' : 'stop' }],
				usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
			});
		} catch (error) {
			send(500, { error: { message: `fake OpenAI failed: ${(error as Error).message}` } });
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		apiKey,
		requests,
		unexpected,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
