import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule, OperationOutput } from '../operation';
import { inspectItemBinary, readBinaryPropertyName } from './read';

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
];

/** Makes no API call: the file is read from n8n's binary data, only as far as its header (and a UFP's directory). */
export const usesApi = false;

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationOutput> {
	const propertyName = readBinaryPropertyName.call(this, itemIndex);
	const { json, thumbnail } = await inspectItemBinary.call(this, itemIndex, propertyName);
	// The toolpath travels on, so an upload can follow; the thumbnail joins it.
	const binary: IBinaryKeyData = { ...(this.getInputData()[itemIndex]?.binary ?? {}) };
	if (thumbnail) {
		binary.thumbnail = await this.helpers.prepareBinaryData(Buffer.from(thumbnail.data), thumbnail.fileName, thumbnail.mimeType);
	}
	return { items: [{ json: { ...json } as unknown as IDataObject, binary }] };
}
