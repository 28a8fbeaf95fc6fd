import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as api from './actions/api';
import * as cluster from './actions/cluster';
import * as file from './actions/file';
import * as job from './actions/job';
import * as print from './actions/print';
import * as printer from './actions/printer';
import * as project from './actions/project';
import * as report from './actions/report';
import { route } from './actions/router';
import * as toolpath from './actions/toolpath';
import { searchClusterHosts, searchClusters } from './methods/listSearch';
import * as localNetwork from './actions/localNetwork';
import { getClusters } from './methods/loadOptions';
import { choices } from './actions/descriptions';
import { authenticationProperty, credentials } from './connections/cloud/credential';

/** Inspect toolpath reads only the file: no credential is asked for there. */
const WITHOUT_API = { hide: { resource: ['toolpath'] } };

export class UltimakerDigitalFactory implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Ultimaker Digital Factory',
		name: 'ultimakerDigitalFactory',
		icon: { light: 'file:ultimaker.svg', dark: 'file:ultimaker.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Upload print files, send prints and control the print queue of UltiMaker printers through Digital Factory',
		defaults: { name: 'Ultimaker Digital Factory' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentials.map((credential) => ({ ...credential, displayOptions: { ...credential.displayOptions, ...WITHOUT_API } })),
		properties: [
			{ ...authenticationProperty, displayOptions: WITHOUT_API },
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: choices([
					['API', 'api', 'Any Digital Factory API path this node does not model yet'],
					['Cluster', 'cluster', 'Printers (a cluster is a printer group) and their live status'],
					['File', 'file', 'Digital Library files (models, projects, documents)'],
					['Job', 'job', 'Uploaded print files (toolpaths)'],
					['Local Network', 'localNetwork', 'Pair with a printer for the local network connection'],
					['Print', 'print', 'Send jobs to printers and control queued or running prints'],
					['Printer', 'printer', "A printer's camera and its own print history"],
					['Project', 'project', 'Digital Library projects'],
					['Report', 'report', 'What the farm printed: reports of a period'],
					['Toolpath', 'toolpath', 'Read a sliced file (what it needs, its thumbnail) without uploading it'],
				]),
				default: 'print',
			},
			...api.description,
			...cluster.description,
			...file.description,
			...job.description,
			...print.description,
			...printer.description,
			...project.description,
			...report.description,
			...toolpath.description,
			...localNetwork.description,
		],
	};

	methods = { listSearch: { searchClusters, searchClusterHosts }, loadOptions: { getClusters } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
