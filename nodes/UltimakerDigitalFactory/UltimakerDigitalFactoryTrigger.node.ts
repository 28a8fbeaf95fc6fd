import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { diffSnapshots, filterEvents, isTriggerState, sampleEvents } from './trigger/diff';
import type { TriggerEvent } from './trigger/diff';
import { DigitalFactoryReader, observeClusters, type AuthenticationMethod } from './trigger/observe';
import { ParameterProblem, readSettings, type TriggerSettings } from './trigger/parameters';
import { authenticationProperty, credentials } from './shared/authentication';

/** Key of the compact diff state inside the node's static data. */
const STATE_KEY = 'state';

const EVENT_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Job Aborted', value: 'job.aborted', description: 'A print was aborted (it stopped before its full print time)' },
	{ name: 'Job Failed', value: 'job.failed', description: 'A print job ended as failed' },
	{ name: 'Job Finished', value: 'job.finished', description: 'A print completed (printed for its full time)' },
	{ name: 'Job Paused', value: 'job.paused', description: 'A print was paused' },
	{ name: 'Job Queued', value: 'job.queued', description: 'A new print job appeared in a cluster queue' },
	{ name: 'Job Removed', value: 'job.removed', description: 'A print job left the queue without finishing (removed)' },
	{ name: 'Job Resumed', value: 'job.resumed', description: 'A paused print continued' },
	{ name: 'Job Started', value: 'job.started', description: 'A print job started on a printer' },
	{ name: 'Job Waiting For User', value: 'job.waitingForUser', description: 'A print job waits for someone at the printer' },
	{ name: 'Printer Material Changed', value: 'printer.materialChanged', description: 'The material loaded in an extruder changed' },
	{ name: 'Printer Offline', value: 'printer.offline', description: 'A printer could not be reached for the configured number of polls' },
	{ name: 'Printer Online', value: 'printer.online', description: 'A printer that was offline is reachable again' },
	{ name: 'Printer Print Core Changed', value: 'printer.printCoreChanged', description: 'The print core in an extruder changed' },
	{ name: 'Printer Requires Maintenance', value: 'printer.maintenanceRequired', description: 'A printer reports that it needs maintenance' },
	{ name: 'Printer Status Changed', value: 'printer.statusChanged', description: 'A printer’s status changed (e.g. idle → printing)' },
];

export class UltimakerDigitalFactoryTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Ultimaker Digital Factory Trigger',
		name: 'ultimakerDigitalFactoryTrigger',
		icon: { light: 'file:ultimaker.svg', dark: 'file:ultimaker.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["clusterScope"] === "selected" ? "Selected clusters" : "All clusters"}}',
		description: 'Starts the workflow when printers or print jobs in Ultimaker Digital Factory change',
		defaults: { name: 'Ultimaker Digital Factory Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials,
		properties: [
			authenticationProperty,
			{
				displayName: 'Watch',
				name: 'clusterScope',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'All Clusters',
						value: 'all',
						description: 'Every cluster of the workspace, including clusters added later',
					},
					{ name: 'Selected Clusters', value: 'selected', description: 'Only the clusters picked below' },
				],
				default: 'all',
			},
			{
				displayName: 'Cluster Names or IDs',
				name: 'clusterIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getClusters' },
				displayOptions: { show: { clusterScope: ['selected'] } },
				default: [],
				required: true,
				description:
					'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
				hint: 'In an expression, give a list of cluster IDs or one string of IDs separated by commas',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENT_OPTIONS,
				default: [],
				description: 'The events that start the workflow. Leave empty for all events.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Emit on First Poll',
						name: 'emitOnFirstPoll',
						type: 'boolean',
						default: false,
						description:
							'Whether the first poll emits the current state (printers online, jobs queued or printing) instead of only recording it',
					},
					{
						displayName: 'Include Snapshot',
						name: 'includeSnapshot',
						type: 'boolean',
						default: false,
						description: "Whether to attach the cluster's full status (printers and print jobs) to each event as \"snapshot\"",
					},
					{
						displayName: 'Offline After Missed Polls',
						name: 'offlineAfterMissedPolls',
						type: 'number',
						typeOptions: { minValue: 1, numberPrecision: 0 },
						default: 3,
						description:
							'How many polls in a row a printer must be unreachable (no answer, cluster offline, or status unreachable) before Printer Offline is emitted',
					},
				],
			},
		],
	};

	methods = {
		loadOptions: {
			async getClusters(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const authentication = this.getNodeParameter('authentication', 'apiToken') as AuthenticationMethod;
				const reader = new DigitalFactoryReader(this, authentication);
				const list = await reader.listClusters();
				if (!list.ok) throw reader.failure(list);
				return list.data
					.map((cluster) => ({
						name: `${cluster.friendly_name ?? cluster.cluster_id}${cluster.printer_type ? ` (${cluster.printer_type})` : ''}${cluster.is_online === false ? ' — offline' : ''}`,
						value: cluster.cluster_id,
					}))
					.sort((a, b) => a.name.localeCompare(b.name));
			},
		},
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		let settings: TriggerSettings;
		try {
			settings = readSettings({
				clusterScope: this.getNodeParameter('clusterScope', 'all'),
				clusterIds: this.getNodeParameter('clusterIds', []),
				events: this.getNodeParameter('events', []),
				options: this.getNodeParameter('options', {}),
			});
		} catch (error) {
			const description = error instanceof ParameterProblem ? error.description : undefined;
			throw new NodeOperationError(this.getNode(), (error as Error).message, { description });
		}
		const manual = this.getMode() === 'manual';
		const staticData = this.getWorkflowStaticData('node');
		const stored = staticData[STATE_KEY];
		const previous = isTriggerState(stored) ? stored : undefined;
		const reader = new DigitalFactoryReader(this, this.getNodeParameter('authentication', 'apiToken') as AuthenticationMethod);
		const observations = await observeClusters(reader, {
			scope: settings.scope,
			clusterIds: settings.clusterIds,
			knownClusters: Object.entries(previous?.c ?? {}).map(([clusterId, cluster]) => ({
				cluster_id: clusterId,
				friendly_name: cluster.n,
			})),
			failOnTransient: manual,
		});
		const now = new Date();
		const options = {
			offlineAfterMissedPolls: settings.offlineAfterMissedPolls,
			emitOnFirstPoll: settings.emitOnFirstPoll,
			includeSnapshot: settings.includeSnapshot,
		};

		let events: TriggerEvent[];
		if (manual) {
			// "Fetch test event": real data, and the stored state stays exactly as it was.
			const pending = previous ? filterEvents(diffSnapshots(previous, observations, options, now).events, settings.events) : [];
			events = pending.length > 0 ? pending : sampleEvents(observations, settings.events, now, settings.includeSnapshot);
			if (events.length === 0) {
				throw new NodeOperationError(this.getNode(), 'No printers to take a sample event from', {
					description: 'The watched clusters have no printers yet. Add a printer in Digital Factory, or activate the workflow and wait for real events.',
				});
			}
		} else {
			const result = diffSnapshots(previous, observations, options, now);
			staticData[STATE_KEY] = result.state as unknown as IDataObject;
			events = filterEvents(result.events, settings.events);
		}
		if (events.length === 0) return null;
		return [this.helpers.returnJsonArray(events as unknown as IDataObject[])];
	}
}
