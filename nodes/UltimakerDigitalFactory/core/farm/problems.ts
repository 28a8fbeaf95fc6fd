/** Why job requirements could not be read. A plain error class; the node layer makes a NodeOperationError of it. */

export type RequirementsProblemCode =
	| 'missingMachine'
	| 'noMaterials'
	| 'invalidMaterialGuid'
	| 'invalidPrintCore'
	| 'printCoreWithoutMaterial'
	| 'tooManyExtruders'
	| 'toolpathWithoutRequirements';

export class RequirementsProblem extends Error {
	readonly code: RequirementsProblemCode;
	readonly hint: string;

	constructor(code: RequirementsProblemCode, message: string, hint: string) {
		super(message);
		this.name = 'RequirementsProblem';
		this.code = code;
		this.hint = hint;
	}
}

export function isRequirementsProblem(error: unknown): error is RequirementsProblem {
	return error instanceof RequirementsProblem;
}
