/**
 * `ultimaker-events`: polls every `interval` seconds (and on any input), one msg per event as the n8n trigger's
 * item. The diff state lives in the node's context (`store`): with a persistent store it survives a restart, so
 * events are neither repeated nor lost across one.
 */
import { connectionNode, connectionSettings } from './connection';
import { reportError } from './operationNode';
import type { ContextStore, Msg, NodeConfig, Red, RedNode } from './red';
import { text } from './red';
import { runPoll } from './run';

const STATE_KEY = 'ultimakerEvents';
/** The first poll runs just after deploy (or restart), not a whole interval later. */
const FIRST_POLL_DELAY_MS = 100;

/** The n8n trigger's parameters from the node's settings. */
function pollParameters(config: NodeConfig): Record<string, unknown> {
	const clusterIds = text(config.clusterIds);
	return {
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
}

/** The poll's static data in a context store (the shared poll updates the object in place). */
function contextState(context: ContextStore, store: string | undefined) {
	return {
		load: () =>
			new Promise<Record<string, unknown>>((resolve, reject) =>
				context.get(STATE_KEY, store, (error, value) => (error ? reject(error) : resolve((value ?? {}) as Record<string, unknown>))),
			),
		save: (value: Record<string, unknown>) =>
			new Promise<void>((resolve, reject) => context.set(STATE_KEY, value, store, (error) => (error ? reject(error) : resolve()))),
	};
}

export function eventsNode(RED: Red, node: RedNode, config: NodeConfig): void {
	const connection = connectionNode(RED, config);
	const parameters = pollParameters(config);
	const state = contextState(node.context(), text(config.store) || undefined);
	let abort: AbortController | undefined;
	let closed = false;

	const poll = async (signal: AbortSignal): Promise<Array<Record<string, unknown>>> => {
		const { authentication, credentials } = connectionSettings(connection);
		const staticData = await state.load();
		const events = await runPoll({ node: { id: node.id, name: node.name, type: node.type }, parameters: { authentication, ...parameters }, credentials, staticData, signal });
		// Kept before the events go out: a restart after this point repeats none of them.
		await state.save(staticData);
		return events;
	};
	const pollOnce = async (trigger?: Msg): Promise<void> => {
		if (abort || closed) return;
		abort = new AbortController();
		node.status({ fill: 'blue', shape: 'dot', text: 'polling…' });
		try {
			const events = await poll(abort.signal);
			for (const event of events) node.send({ topic: String(event.event), payload: event });
			node.status({ fill: 'green', shape: 'dot', text: `${events.length} event${events.length === 1 ? '' : 's'} at ${new Date().toLocaleTimeString()}` });
		} catch (error) {
			reportError(node, error, trigger ?? {});
		} finally {
			abort = undefined;
		}
	};

	node.on('input', (msg, _send, done) => void pollOnce(msg).then(() => done()));
	const first = setTimeout(() => void pollOnce(), FIRST_POLL_DELAY_MS);
	const timer = setInterval(() => void pollOnce(), Math.max(1, Number(config.interval) || 60) * 1000);
	node.on('close', (_removed, done) => {
		closed = true;
		clearTimeout(first);
		clearInterval(timer);
		abort?.abort();
		done();
	});
}
