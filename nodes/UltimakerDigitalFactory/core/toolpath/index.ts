/** Reading toolpaths (pure, no n8n): the public API of this folder. */
export { inspectToolpath, sniffFormat, formatFromFileName, TOOLPATH_CONTENT_TYPES } from './inspect';
export type { InspectOptions } from './inspect';
export { ToolpathProblem, isToolpathProblem } from './problems';
export type { ToolpathProblemCode } from './problems';
export { bufferReader, streamReader } from './source';
export type { ByteStream, RandomAccessReader, ReopenableStream, ToolpathSource } from './source';
export { DEFAULT_INSPECT_LIMITS } from './types';
export type {
	InspectLimits,
	InspectResult,
	Point3,
	ToolpathExtruder,
	ToolpathFileInfo,
	ToolpathFormat,
	ToolpathInspection,
	ToolpathThumbnail,
} from './types';
export { HEADER_FLAVORS } from './griffin';
export { UFP_GCODE_PART, UFP_THUMBNAIL_PART } from './ufp';
export { materialFigures, materialWeightGrams, parseMaterialPrices } from './weight';
export type { ExtruderMaterialFigures, MaterialFigures, MaterialPrices, PriceParse } from './weight';
