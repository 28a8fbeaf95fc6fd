/**
 * The trigger's poll() as n8n's poller runs it, against an emulator (or any server taking an API token): a fresh
 * PollContext for every poll over one static data object, the node's default choice (every cluster, every event).
 * Shared by the trigger tests and bench/trigger.bench.ts. The trigger instance is passed in: the bench imports the
 * node file with its `.ts` extension (under tsx `….node` would resolve to the codex JSON beside it).
 *
 *   const { poll, staticData } = triggerPoller(new UltimakerDigitalFactoryTrigger(), emu);
 *   await poll(); // null: nothing new
 */
import type { IDataObject, INodeExecutionData, INodeType } from 'n8n-workflow';

import { createPollContext } from './n8nContext';

export interface TriggerPoller {
	poll(): Promise<INodeExecutionData[][] | null>;
	/** What the trigger keeps between polls (n8n saves it with the workflow). */
	staticData: IDataObject;
}

export function triggerPoller(trigger: INodeType, target: { url: string; apiToken: string }, staticData: IDataObject = {}): TriggerPoller {
	const poll = trigger.poll;
	if (!poll) throw new Error('The node type has no poll()');
	return {
		staticData,
		poll: async () => {
			const { context } = createPollContext({
				nodeType: trigger,
				parameters: { authentication: 'apiToken', clusterScope: 'all', events: [], options: {} },
				credentials: { ultimakerDigitalFactoryApi: { apiToken: target.apiToken, baseUrl: target.url } },
				staticData,
			});
			return await poll.call(context);
		},
	};
}
