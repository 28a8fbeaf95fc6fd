import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { describeRejections } from '../../core/farm/match';
import type { CloudConnection } from '../../connections/cloud/connection';
import type { OperationModule, OperationOutput } from '../operation';
import { materialSummary } from '../toolpath/read';
import { searchScopeProperties, matchFarm, readJobNeeds, requirementsProperties, sourceProperty, toolpathBinaryProperty } from './dispatch';

export const option: OperationModule['option'] = {
	name: 'Find Printer',
	action: 'Find printer',
	description:
		'Rank every printer of the farm for a job (machine, material and print core per extruder, build plate, queue) and say why the others cannot take it',
};

/** Works over Digital Factory and over the printers' own API alike (the connection interface). */
export const connections: OperationModule['connections'] = ['cloud', 'localNetwork'];

export const properties: INodeProperties[] = [
	sourceProperty({}),
	toolpathBinaryProperty('The name of the input binary field holding the toolpath'),
	...requirementsProperties({}),
	...searchScopeProperties,
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<OperationOutput> {
	const source = this.getNodeParameter('source', itemIndex, 'toolpath') as string;
	// The needs first: a bad toolpath or a typo fails before any request.
	const needs = await readJobNeeds.call(this, itemIndex, source);
	const match = await matchFarm.call(this, connection, itemIndex, needs.requirements);
	const output: IDataObject = {
		chosen: match.chosen as IDataObject | null,
		candidates: match.candidates as unknown as IDataObject[],
		rejected: match.rejected as unknown as IDataObject[],
		unreadable: match.unreadable as unknown as IDataObject[],
		requirements: needs.requirements as unknown as IDataObject,
		// The same lines the best-match target puts in its error when nothing fits.
		rejection_summary: match.chosen ? null : describeRejections(match),
	};
	// The material figures only where a toolpath was read: typed-in needs have no volumes.
	if (needs.inspection) Object.assign(output, { toolpath: needs.inspection.json.file_name }, materialSummary(needs.inspection.json));
	// The file travels on, so an Upload and Print can follow.
	const binary = this.getInputData()[itemIndex]?.binary;
	return { items: [binary ? { json: output, binary } : { json: output }] };
}
