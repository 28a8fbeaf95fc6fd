/** Parameter descriptions used by several operations, and the readers that validate their values per item. */
import type { IDisplayOptions, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkReference, MAX_REFERENCE_LENGTH } from '../core/reference';
import { checkOrigin } from '../core/validation';

/** One choice of an options parameter: [name shown, value, description]. */
export type Choice = readonly [name: string, value: string, description?: string];

/** An options parameter's choices written as rows of a table, one choice a line. */
export function choices(rows: readonly Choice[]): INodePropertyOptions[] {
	return rows.map(([name, value, description]) => (description === undefined ? { name, value } : { name, value, description }));
}

/**
 * Which clusters an operation covers: all of them, or those picked (by name, or IDs in an expression). Find
 * printer, best-match sends and Create report share it; `allClusters` says what "all" means there.
 */
export function clusterScopeProperties(displayName: string, allClusters: string): INodeProperties[] {
	return [
		{
			displayName,
			name: 'clusterScope',
			type: 'options',
			default: 'all',
			options: choices([
				['All Clusters', 'all', allClusters],
				['Selected Clusters', 'selected', 'Only the clusters picked below'],
			]),
		},
		{
			displayName: 'Cluster Names or IDs',
			name: 'clusterIds',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getClusters' },
			default: [],
			required: true,
			displayOptions: { show: { clusterScope: ['selected'] } },
			description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
			hint: 'In an expression, give a list of cluster IDs or one string of IDs separated by commas',
		},
	];
}

/** The "Options" collection: the settings a user adds only when wanted. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add option', default: {}, options };
}

/**
 * The required `clusterId` locator, hidden (and so not required) on the local network connection. `show` adds
 * conditions of the operation (e.g. `{ target: ['cluster'] }`) while keeping that hide: a required parameter left
 * visible there is a workflow issue, and n8n refuses the whole workflow before any node runs.
 */
export function clusterIdProperty(description: string, show?: IDisplayOptions['show']): INodeProperties {
	return {
		displayName: 'Cluster',
		name: 'clusterId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		hint: 'By Host Printer keeps working when Digital Factory gives the printer a new cluster ID (a reconnect or reset)',
		// With the local network connection the credential's printer group is the cluster.
		displayOptions: { ...(show ? { show } : {}), hide: { '/authentication': ['localNetwork'] } },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a cluster…',
				typeOptions: { searchListMethod: 'searchClusters', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. kBEeZWEifXbrXviO8mRYLx45P8k5lHVGs43XKvRniPg=',
			},
			{
				// Stores the host printer's host_guid, which outlasts a reconnect (a new cluster_id): resolved per run.
				displayName: 'By Host Printer',
				name: 'host',
				type: 'list',
				placeholder: 'Select a printer…',
				typeOptions: { searchListMethod: 'searchClusterHosts', searchable: true },
			},
		],
	};
}

export const returnAllAndLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export function binaryUploadProperties(kind: 'toolpath' | 'library'): INodeProperties[] {
	return [
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the input binary field holding the file to upload',
			description:
				kind === 'toolpath'
					? 'Binary field with the sliced file (.gcode, .gcode.gz or .ufp), e.g. from Read/Write Files from Disk or an HTTP Request'
					: 'Binary field with the file to store in the Digital Library (.3mf, .stl, images, PDF, Office documents, .txt)',
		},
		{
			displayName: 'Content Type',
			name: 'contentType',
			type: 'string',
			default: '',
			placeholder: 'derived from the file extension',
			description:
				'MIME type to declare. Leave empty to derive it from the file name (.gcode → text/plain, .gcode.gz → application/gzip, .ufp → application/x-ufp, …).',
		},
		{
			displayName: 'Origin',
			name: 'origin',
			type: 'string',
			default: '',
			placeholder: 'https://your-domain.com',
			description: "Origin to declare for the upload (scheme://host[:port]). Empty: the credential's default origin, if any.",
		},
	];
}

export const jobNameProperty: INodeProperties = {
	displayName: 'Job Name',
	name: 'jobName',
	type: 'string',
	default: '',
	placeholder: "the binary's file name",
	description: 'Name shown in Digital Factory. Empty: the file name of the binary data.',
};

export function referenceProperty(description: string): INodeProperties {
	return {
		displayName: 'Reference',
		name: 'reference',
		type: 'string',
		default: '',
		placeholder: 'e.g. SO-1001',
		description: `${description} Up to ${MAX_REFERENCE_LENGTH} characters; Get Cluster Status and the trigger return it as "reference"`,
	};
}

/** The Reference parameter: null when empty; a NodeOperationError for one that cannot travel in a job name. */
export function readReference(this: IExecuteFunctions, itemIndex: number): string | null {
	const checked = checkReference(this.getNodeParameter('reference', itemIndex, ''));
	if (!checked.ok) throw new NodeOperationError(this.getNode(), checked.message, { description: checked.hint, itemIndex });
	return checked.value;
}

/** The raw (trimmed) id, for bodies and output. */
export function rawId(value: unknown): string {
	return typeof value === 'string' ? value.trim() : String(value ?? '');
}


export function readLimit(this: IExecuteFunctions, itemIndex: number): { returnAll: boolean; limit: number } {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	return { returnAll, limit: returnAll ? Number.MAX_SAFE_INTEGER : (this.getNodeParameter('limit', itemIndex, 50) as number) };
}

export function readOrigin(this: IExecuteFunctions, itemIndex: number, fallback?: string): string | undefined {
	const value = this.getNodeParameter('origin', itemIndex, '') as string;
	const checked = checkOrigin(value);
	if (!checked.ok) throw new NodeOperationError(this.getNode(), `Origin: ${checked.message}`, { description: checked.hint, itemIndex });
	return checked.value ?? fallback;
}
