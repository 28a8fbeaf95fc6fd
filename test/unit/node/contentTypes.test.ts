import {
	CONTENT_TYPE_RULES,
	decideContentType,
	ruleForFileName,
	supportedExtensions,
} from '../../../nodes/UltimakerDigitalFactory/core/upload/contentTypes';

describe('content types from file extensions', () => {
	test.each([
		['UltiBot.gcode', 'text/plain'],
		['UltiBot.GCODE', 'text/plain'],
		['UltiBot.gcode.gz', 'application/gzip'],
		['(UMS5)_UltiBot.ufp', 'application/x-ufp'],
	])('toolpath %s → %s', (fileName, contentType) => {
		expect(decideContentType(fileName, 'job')).toEqual({ ok: true, contentType });
	});

	test.each([
		['bracket.3mf', 'application/x-cura-project+3mf'],
		['bracket.stl', 'model/stl'],
		['photo.jpg', 'image/jpeg'],
		['photo.jpeg', 'image/jpeg'],
		['photo.png', 'image/png'],
		['manual.pdf', 'application/pdf'],
		['spec.doc', 'application/msword'],
		['spec.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
		['bom.xls', 'application/vnd.ms-excel'],
		['bom.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
		['deck.ppt', 'application/vnd.ms-powerpoint'],
		['deck.pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
		['notes.txt', 'text/plain'],
	])('library file %s → %s', (fileName, contentType) => {
		expect(decideContentType(fileName, 'file')).toEqual({ ok: true, contentType });
	});

	test('.gcode.gz wins over any shorter match, and a bare extension is not a file name', () => {
		expect(ruleForFileName('a.gcode.gz')?.contentType).toBe('application/gzip');
		expect(ruleForFileName('.gcode')).toBeUndefined();
		expect(ruleForFileName('archive.gz')).toBeUndefined();
	});

	test('an unsupported extension lists what is supported for that operation', () => {
		const job = decideContentType('setup.exe', 'job');
		expect(job).toMatchObject({ ok: false, reason: 'unsupportedExtension' });
		if (!job.ok) expect(job.hint).toContain('.gcode.gz, .gcode, .ufp');
		const file = decideContentType('noextension', 'file');
		if (!file.ok) for (const extension of supportedExtensions('file')) expect(file.hint).toContain(extension);
	});

	test('a toolpath on the file endpoint and a mesh on the job endpoint name the right operation, even with an override', () => {
		const toolpath = decideContentType('a.ufp', 'file', 'application/x-ufp');
		expect(toolpath).toMatchObject({ ok: false, reason: 'wrongEndpoint' });
		if (!toolpath.ok) expect(toolpath.message).toMatch(/use the Upload Job/);
		const mesh = decideContentType('a.stl', 'job');
		if (!mesh.ok) expect(mesh.message).toMatch(/use the Upload File operation/);
	});

	test('an override is used as given (trimmed) and must be a MIME type', () => {
		expect(decideContentType('print.makerbot', 'job', ' application/octet-stream ')).toEqual({
			ok: true,
			contentType: 'application/octet-stream',
		});
		expect(decideContentType('a.gcode', 'job', 'text/plain; charset=utf-8')).toMatchObject({ ok: false, reason: 'invalidContentType' });
	});

	test('every rule targets exactly one endpoint and every extension is unique', () => {
		const extensions = CONTENT_TYPE_RULES.map((rule) => rule.extension);
		expect(new Set(extensions).size).toBe(extensions.length);
	});
});
