/** Why a file could not be inspected (a CoreProblem: `code` and `hint`; the node layer makes a NodeOperationError of it). */
import { CoreProblem } from '../problem';

export type ToolpathProblemCode =
	/** Not G-code, not gzip of G-code, not a zip holding 3D/model.gcode. */
	| 'notToolpath'
	/** `;START_OF_HEADER` without `;END_OF_HEADER` (file cut short, or the header broken by a command line). */
	| 'truncatedHeader'
	/** The header or the comment block around it is longer than any slicer writes. */
	| 'headerTooLong'
	/** A header value no real print has: negative time, not a number, a build volume of kilometres… */
	| 'absurdValue'
	/** Compressed data that expands far beyond what G-code or a thumbnail does, or beyond its declared size. */
	| 'zipBomb'
	/** A damaged zip or gzip: bad signatures, offsets outside the file, CRC mismatch, inflate failure. */
	| 'corruptArchive'
	/** A zip feature a UFP never uses: encryption, a compression method other than stored/deflate, multi-disk. */
	| 'unsupportedArchive';

export class ToolpathProblem extends CoreProblem<ToolpathProblemCode> {
	constructor(code: ToolpathProblemCode, message: string, hint: string) {
		super('ToolpathProblem', code, message, hint);
	}
}

export function isToolpathProblem(error: unknown): error is ToolpathProblem {
	return error instanceof ToolpathProblem;
}

const RESLICE_HINT = 'Slice the model again in UltiMaker Cura and export it as .ufp, .gcode or .gcode.gz.';

export function notToolpath(fileName: string, why: string): ToolpathProblem {
	return new ToolpathProblem(
		'notToolpath',
		`"${fileName}" is not a toolpath: ${why}`,
		`Inspect toolpath reads G-code (.gcode), gzipped G-code (.gcode.gz) and UltiMaker Format Packages (.ufp). ${RESLICE_HINT}`,
	);
}

export function corruptArchive(fileName: string, why: string): ToolpathProblem {
	return new ToolpathProblem(
		'corruptArchive',
		`"${fileName}" is damaged: ${why}`,
		`The file was probably cut short or changed in transit. ${RESLICE_HINT}`,
	);
}

export function zipBomb(fileName: string, why: string): ToolpathProblem {
	return new ToolpathProblem(
		'zipBomb',
		`"${fileName}" was refused: ${why}`,
		'Real toolpaths compress a few times, not hundreds of times; a file like this is built to exhaust memory. Use the file as Cura exported it.',
	);
}

export function absurdValue(fileName: string, key: string, value: string, expected: string): ToolpathProblem {
	return new ToolpathProblem(
		'absurdValue',
		`"${fileName}" has an impossible header value ${key}:${value}`,
		`${key} must be ${expected}. The header was edited or damaged; ${RESLICE_HINT}`,
	);
}
