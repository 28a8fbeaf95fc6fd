/** Why job requirements could not be read (a CoreProblem: `code` and `hint`; the node layer makes a NodeOperationError of it). */
import { CoreProblem } from '../problem';

export type RequirementsProblemCode =
	| 'missingMachine'
	| 'noMaterials'
	| 'invalidMaterialGuid'
	| 'invalidPrintCore'
	| 'printCoreWithoutMaterial'
	| 'tooManyExtruders'
	| 'toolpathWithoutRequirements';

export class RequirementsProblem extends CoreProblem<RequirementsProblemCode> {
	constructor(code: RequirementsProblemCode, message: string, hint: string) {
		super('RequirementsProblem', code, message, hint);
	}
}

export function isRequirementsProblem(error: unknown): error is RequirementsProblem {
	return error instanceof RequirementsProblem;
}
