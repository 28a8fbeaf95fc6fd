/**
 * One poll: read the settings, observe the watched clusters, diff against the state kept in the workflow's
 * static data, and emit one item per event. "Fetch test event" (manual mode) shows real items and never changes
 * the stored state. A poll that cannot work (a broken credential, a refused request) fails — n8n shows the error —
 * and leaves the stored state as it was; events and errors leave free of the credential's secrets.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cloudConnection } from '../connections/cloud/connection';
import { readCloudCredential } from '../connections/cloud/credential';
import { localConnection } from '../connections/local/connection';
import { readLocalCredential } from '../connections/local/credential';
import { asNodeError } from '../connections/failure';
import { redactError, redactOutput } from '../connections/redact';
import type { DiffOptions, TriggerEvent, TriggerState } from '../core/events';
import { diffSnapshots, filterEvents, isTriggerState, knownClusters, sampleEvents } from '../core/events';
import { observeClusters } from './observe';
import type { TriggerSettings } from './parameters';
import { ParameterProblem, readSettings } from './parameters';

/** Key of the compact diff state inside the node's static data. */
const STATE_KEY = 'state';

function settingsOf(this: IPollFunctions): TriggerSettings {
	try {
		return readSettings({
			// With the local network connection the credential's group is the one cluster (the scope is hidden).
			clusterScope: this.getNodeParameter('authentication', 'apiToken') === 'localNetwork' ? 'all' : this.getNodeParameter('clusterScope', 'all'),
			clusterIds: this.getNodeParameter('clusterIds', []),
			events: this.getNodeParameter('events', []),
			options: this.getNodeParameter('options', {}),
		});
	} catch (error) {
		const description = error instanceof ParameterProblem ? error.description : undefined;
		throw new NodeOperationError(this.getNode(), (error as Error).message, { description });
	}
}

/** "Fetch test event": pending real events if any, else samples built from the live status. */
function manualEvents(this: IPollFunctions, previous: TriggerState | undefined, diff: (state: TriggerState | undefined) => TriggerEvent[], sample: () => TriggerEvent[]): TriggerEvent[] {
	const pending = previous ? diff(previous) : [];
	const events = pending.length > 0 ? pending : sample();
	if (events.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No printers to take a sample event from', {
			description: 'The watched clusters have no printers yet. Add a printer in Digital Factory, or activate the workflow and wait for real events.',
		});
	}
	return events;
}

export async function poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	// The credential's secrets, once read (the list grows if n8n refreshes the OAuth2 token during the poll).
	const secrets = { values: [] as string[] };
	try {
		const events = await pollEvents.call(this, secrets);
		if (events.length === 0) return null;
		return [this.helpers.returnJsonArray(events.map((event) => redactOutput(event as unknown as IDataObject, secrets.values)))];
	} catch (error) {
		throw redactError(asNodeError(this.getNode(), error), secrets.values);
	}
}

async function pollEvents(this: IPollFunctions, secrets: { values: string[] }): Promise<TriggerEvent[]> {
	const settings = settingsOf.call(this);
	const manual = this.getMode() === 'manual';
	const staticData = this.getWorkflowStaticData('node');
	const previous = isTriggerState(staticData[STATE_KEY]) ? (staticData[STATE_KEY] as TriggerState) : undefined;
	const authentication = this.getNodeParameter('authentication', 'apiToken');
	// Either connection: the observation, diff and events below do not care where the status came from.
	const connection =
		authentication === 'localNetwork'
			? localConnection(this, await readLocalCredential.call(this))
			: cloudConnection(this, await readCloudCredential.call(this, authentication));
	secrets.values = connection.secrets;
	const observations = await observeClusters.call(this, connection, {
		scope: settings.scope,
		clusterIds: settings.clusterIds,
		knownClusters: knownClusters(previous),
		failOnTransient: manual,
	});
	const now = new Date();
	const options: DiffOptions = settings;
	let events: TriggerEvent[];
	if (manual) {
		events = manualEvents.call(
			this,
			previous,
			(state) => filterEvents(diffSnapshots(state, observations, options, now).events, settings.events),
			() => sampleEvents(observations, settings.events, now, settings.includeSnapshot, settings.progressMilestones),
		);
	} else {
		const result = diffSnapshots(previous, observations, options, now);
		staticData[STATE_KEY] = result.state as unknown as IDataObject;
		events = filterEvents(result.events, settings.events);
	}
	return events;
}
