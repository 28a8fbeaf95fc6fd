import type { IBinaryKeyData, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { MaterialPrices } from '../../core/toolpath/weight';
import { parseMaterialPrices } from '../../core/toolpath/weight';

import { optionsCollection } from '../descriptions';
import type { OperationModule, OperationOutput } from '../operation';
import { inspectItemBinary, readBinaryPropertyName, withMaterialFigures } from './read';

export const option: OperationModule['option'] = {
	name: 'Inspect',
	action: 'Inspect toolpath',
	description:
		'Read what a sliced file (.gcode, .gcode.gz, .ufp) needs — machine, materials, print cores, build plate, print time, size — and its thumbnail, without uploading it',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the toolpath',
		description: 'Binary field with the sliced file (.gcode, .gcode.gz or .ufp), e.g. from Read/Write Files from Disk or an HTTP Request',
	},
	optionsCollection([
		{
			displayName: 'Material Price per Kg',
			name: 'materialPricePerKg',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 2 },
			default: 0,
			description:
				'Price of one kilogram of filament, for every material without its own price below; adds estimated_material_cost (weight × price, in the same currency) per extruder and in total',
		},
		{
			displayName: 'Material Prices',
			name: 'materialPrices',
			type: 'string',
			default: '',
			placeholder: 'Generic PLA=25, Ultimaker Tough PLA Black=40',
			description: 'Per-material prices per kilogram: material name or GUID = price, separated by commas; they take precedence over Material Price per Kg',
		},
	]),
];

/** The prices the user gave, or undefined when none (then no cost fields are added). */
function readPrices(this: IExecuteFunctions, itemIndex: number): MaterialPrices | undefined {
	const options = this.getNodeParameter('options', itemIndex, {}) as { materialPricePerKg?: number; materialPrices?: string };
	const parsed = parseMaterialPrices(options.materialPrices);
	if (!parsed.ok) throw new NodeOperationError(this.getNode(), `Material Prices: ${parsed.message}`, { description: parsed.hint, itemIndex });
	const all = typeof options.materialPricePerKg === 'number' && options.materialPricePerKg > 0 ? options.materialPricePerKg : null;
	if (all === null && Object.keys(parsed.value).length === 0) return undefined;
	return { all, byMaterial: parsed.value };
}

/** Makes no API call: the file is read from n8n's binary data, only as far as its header (and a UFP's directory). */
export const usesApi = false;

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationOutput> {
	const propertyName = readBinaryPropertyName.call(this, itemIndex);
	const prices = readPrices.call(this, itemIndex);
	const { json, thumbnail } = await inspectItemBinary.call(this, itemIndex, propertyName);
	// The toolpath travels on, so an upload can follow; the thumbnail joins it.
	const binary: IBinaryKeyData = { ...(this.getInputData()[itemIndex]?.binary ?? {}) };
	if (thumbnail) {
		binary.thumbnail = await this.helpers.prepareBinaryData(Buffer.from(thumbnail.data), thumbnail.fileName, thumbnail.mimeType);
	}
	return { items: [{ json: withMaterialFigures(json, prices), binary }] };
}
