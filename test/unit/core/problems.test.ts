/** The core's two error classes share CoreProblem and still tell themselves apart by `instanceof` and `name`. */
import { CoreProblem } from '../../../nodes/UltimakerDigitalFactory/core/problem';
import { isRequirementsProblem, RequirementsProblem } from '../../../nodes/UltimakerDigitalFactory/core/farm';
import { isToolpathProblem, ToolpathProblem } from '../../../nodes/UltimakerDigitalFactory/core/toolpath';

test('each problem is an Error and a CoreProblem with its own name, code and hint', () => {
	const toolpath = new ToolpathProblem('zipBomb', 'refused', 'use the file as exported');
	const requirements = new RequirementsProblem('noMaterials', 'no materials', 'add one');
	for (const problem of [toolpath, requirements]) {
		expect(problem).toBeInstanceOf(Error);
		expect(problem).toBeInstanceOf(CoreProblem);
	}
	expect(toolpath).toMatchObject({ name: 'ToolpathProblem', code: 'zipBomb', message: 'refused', hint: 'use the file as exported' });
	expect(requirements).toMatchObject({ name: 'RequirementsProblem', code: 'noMaterials', message: 'no materials', hint: 'add one' });
	expect(String(toolpath)).toBe('ToolpathProblem: refused');
	expect(Object.keys(toolpath)).toEqual(['name', 'code', 'hint']);
});

test('the guards do not mistake one problem for the other', () => {
	const toolpath = new ToolpathProblem('notToolpath', 'x', 'y');
	const requirements = new RequirementsProblem('missingMachine', 'x', 'y');
	expect([isToolpathProblem(toolpath), isToolpathProblem(requirements), isToolpathProblem(new Error('x'))]).toEqual([true, false, false]);
	expect([isRequirementsProblem(requirements), isRequirementsProblem(toolpath), isRequirementsProblem(undefined)]).toEqual([true, false, false]);
});
