import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { getClusters } from './methods/loadOptions';
import { optionsCollection } from './actions/descriptions';
import { authenticationProperty, credentials } from './connections/cloud/credential';
import { EVENT_OPTIONS } from './core/events/names';
import { poll } from './trigger/poll';

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
				displayOptions: { hide: { authentication: ['localNetwork'] } },
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
				displayOptions: { show: { clusterScope: ['selected'] }, hide: { authentication: ['localNetwork'] } },
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
			optionsCollection([
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
				{
					displayName: 'Progress Milestones',
					name: 'progressMilestones',
					type: 'string',
					default: '',
					placeholder: 'e.g. 25,50,75',
					description:
						'Percentages (whole numbers 1–99, separated by commas) at which a print emits Job Progress Milestone, once each per print. Empty: none.',
				},
			]),
		],
	};

	methods = { loadOptions: { getClusters } };

	poll = poll;
}
