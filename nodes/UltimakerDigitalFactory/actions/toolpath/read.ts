/**
 * Inspecting the toolpath in an item's binary field, streamed: a binary in a file or S3 is opened as n8n's binary
 * stream (re-opened for each region a UFP needs, 1 MiB reads), an in-memory one read in place. In n8n's `database`
 * mode every stream n8n opens is a whole read of the file out of Postgres, so the file is read once as a buffer
 * (and one too big for n8n to read back is refused before n8n's Postgres driver fails on it). Shared by Inspect toolpath,
 * Find printer and the best-match target of the print operations.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError } from '../../connections/failure';
import { isToolpathProblem } from '../../core/toolpath/problems';
import { inspectToolpath } from '../../core/toolpath/inspect';
import type { ToolpathSource } from '../../core/toolpath/source';
import type { InspectResult, ToolpathInspection } from '../../core/toolpath/types';
import type { MaterialPrices } from '../../core/toolpath/weight';
import { materialFigures } from '../../core/toolpath/weight';
import { BINARY_STREAM_CHUNK_BYTES, binaryStorageOf, binaryStorageProblem, readsWholeBinary } from '../../core/upload/plan';

export async function inspectItemBinary(this: IExecuteFunctions, itemIndex: number, propertyName: string): Promise<InspectResult> {
	const binary = this.helpers.assertBinaryData(itemIndex, propertyName);
	let source: ToolpathSource;
	const storage = binaryStorageOf(binary.id);
	if (binary.id && !readsWholeBinary(storage)) {
		const id = binary.id;
		const { fileSize } = await this.helpers.getBinaryMetadata(id);
		source = { open: async () => await this.helpers.getBinaryStream(id, BINARY_STREAM_CHUNK_BYTES), size: fileSize };
	} else {
		if (binary.id) {
			const { fileSize } = await this.helpers.getBinaryMetadata(binary.id);
			const problem = binaryStorageProblem(storage, fileSize, binary.fileName ?? propertyName);
			if (problem) throw new NodeOperationError(this.getNode(), problem.message, { description: problem.description, itemIndex });
		}
		source = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	}
	try {
		return await inspectToolpath(source, { fileName: binary.fileName, mimeType: binary.mimeType });
	} catch (error) {
		if (!isToolpathProblem(error)) throw asNodeError(this.getNode(), error, itemIndex);
		const problem = new NodeOperationError(this.getNode(), error.message, { description: error.hint, itemIndex });
		problem.context.code = error.code;
		throw problem;
	}
}

/** The binary field parameter, trimmed (an empty one is the default `data`). */
export function readBinaryPropertyName(this: IExecuteFunctions, itemIndex: number): string {
	return String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim() || 'data';
}

/**
 * The inspection with its material figures merged in: `material_weight_g` (and, with prices,
 * `estimated_material_cost`) on each extruder, `total_material_weight_g` (and `estimated_material_cost`) beside them.
 */
export function withMaterialFigures(inspection: ToolpathInspection, prices?: MaterialPrices): IDataObject {
	const figures = materialFigures(inspection.extruders, prices);
	const extruders = inspection.extruders.map((extruder, index) => {
		const { material_density, material_weight_g, estimated_material_cost } = figures.extruders[index]!;
		const row: IDataObject = { ...extruder, material_density, material_weight_g };
		if (prices) row.estimated_material_cost = estimated_material_cost ?? null;
		return row;
	});
	const json: IDataObject = { ...(inspection as unknown as IDataObject), extruders, total_material_weight_g: figures.total_material_weight_g };
	if (prices) json.estimated_material_cost = figures.estimated_material_cost ?? null;
	return json;
}

/** The figures alone, for outputs that carry them beside other data (Find printer, Upload and print). */
export function materialSummary(inspection: ToolpathInspection): IDataObject {
	const figures = materialFigures(inspection.extruders);
	return {
		total_material_weight_g: figures.total_material_weight_g,
		material_weights: figures.extruders.map(({ index, material_guid, material, material_weight_g }) => ({ index, material_guid, material, material_weight_g })),
	};
}
