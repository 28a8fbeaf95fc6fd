/** Inspect toolpath's content_type is the one an upload of the same file is registered with. */
import { ruleForFileName } from '../../../nodes/UltimakerDigitalFactory/core/upload/contentTypes';
import { formatFromFileName, TOOLPATH_CONTENT_TYPES } from '../../../nodes/UltimakerDigitalFactory/core/toolpath';

describe('toolpath content types', () => {
	it.each(['part.gcode', 'part.gcode.gz', 'part.ufp'])('%s: the same as the upload rules', (fileName) => {
		const format = formatFromFileName(fileName)!;
		expect(TOOLPATH_CONTENT_TYPES[format]).toBe(ruleForFileName(fileName)!.contentType);
	});
});
