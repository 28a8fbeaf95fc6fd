/**
 * Which content type a file gets from its extension, and which endpoint accepts it (pure, no n8n imports).
 * Toolpaths (what a printer prints) go to the job endpoint; meshes, projects and documents go to the
 * Digital Library file endpoint.
 */

export type UploadTarget = 'job' | 'file';

export interface ContentTypeRule {
	extension: string;
	contentType: string;
	target: UploadTarget;
}

/** Longest extensions first so `.gcode.gz` wins over `.gz`. */
export const CONTENT_TYPE_RULES: readonly ContentTypeRule[] = [
	{ extension: '.gcode.gz', contentType: 'application/gzip', target: 'job' },
	{ extension: '.gcode', contentType: 'text/plain', target: 'job' },
	{ extension: '.ufp', contentType: 'application/x-ufp', target: 'job' },
	{ extension: '.3mf', contentType: 'application/x-cura-project+3mf', target: 'file' },
	{ extension: '.stl', contentType: 'model/stl', target: 'file' },
	{ extension: '.jpeg', contentType: 'image/jpeg', target: 'file' },
	{ extension: '.jpg', contentType: 'image/jpeg', target: 'file' },
	{ extension: '.png', contentType: 'image/png', target: 'file' },
	{ extension: '.pdf', contentType: 'application/pdf', target: 'file' },
	{ extension: '.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', target: 'file' },
	{ extension: '.doc', contentType: 'application/msword', target: 'file' },
	{ extension: '.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', target: 'file' },
	{ extension: '.xls', contentType: 'application/vnd.ms-excel', target: 'file' },
	{ extension: '.pptx', contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', target: 'file' },
	{ extension: '.ppt', contentType: 'application/vnd.ms-powerpoint', target: 'file' },
	{ extension: '.txt', contentType: 'text/plain', target: 'file' },
];

export function supportedExtensions(target: UploadTarget): string[] {
	return CONTENT_TYPE_RULES.filter((rule) => rule.target === target).map((rule) => rule.extension);
}

/** The rule for a file name, matched case-insensitively on its extension; undefined when none matches. */
export function ruleForFileName(fileName: string): ContentTypeRule | undefined {
	const lower = fileName.trim().toLowerCase();
	return CONTENT_TYPE_RULES.find((rule) => lower.endsWith(rule.extension) && lower.length > rule.extension.length);
}

/** A MIME type as the API validates it: `type/subtype`, no parameters, no spaces. */
function isValidContentType(value: string): boolean {
	return /^[a-z]+\/[a-z0-9.+-]+$/i.test(value);
}

export type ContentTypeDecision =
	| { ok: true; contentType: string }
	| { ok: false; reason: 'unsupportedExtension' | 'wrongEndpoint' | 'invalidContentType'; message: string; hint: string };

const TARGET_LABEL: Record<UploadTarget, string> = {
	job: 'Upload Job (or Upload and Print)',
	file: 'Upload File',
};

/**
 * Decides the content type of an upload.
 * - An explicit `override` is used as is (validated as a MIME type); a recognised extension of the other
 *   kind is still refused so a mesh never lands in the print queue and a toolpath never in the library.
 * - Otherwise the extension decides, per CONTENT_TYPE_RULES.
 */
export function decideContentType(fileName: string, target: UploadTarget, override?: string): ContentTypeDecision {
	const rule = ruleForFileName(fileName);
	if (rule && rule.target !== target) {
		const isToolpath = rule.target === 'job';
		return {
			ok: false,
			reason: 'wrongEndpoint',
			message: isToolpath
				? `"${fileName}" is a printable toolpath (${rule.extension}); use the ${TARGET_LABEL.job} operation to upload it`
				: `"${fileName}" is not a printable toolpath (${rule.extension}); use the ${TARGET_LABEL.file} operation to store it in the Digital Library`,
			hint: isToolpath
				? 'Upload File stores meshes, projects and documents in the Digital Library; toolpaths go to the print-job endpoint.'
				: `Only ${supportedExtensions('job').join(', ')} files can be printed. Slice the model in UltiMaker Cura first.`,
		};
	}
	const trimmedOverride = override?.trim();
	if (trimmedOverride) {
		if (!isValidContentType(trimmedOverride)) {
			return {
				ok: false,
				reason: 'invalidContentType',
				message: `"${trimmedOverride}" is not a valid content type`,
				hint: 'Use a MIME type such as text/plain or application/x-ufp, or leave Content Type empty to derive it from the file name.',
			};
		}
		return { ok: true, contentType: trimmedOverride };
	}
	if (!rule) {
		return {
			ok: false,
			reason: 'unsupportedExtension',
			message: `Cannot tell the content type of "${fileName}" from its extension`,
			hint: `${TARGET_LABEL[target]} supports ${supportedExtensions(target).join(', ')}. Rename the file, or set Content Type explicitly.`,
		};
	}
	return { ok: true, contentType: rule.contentType };
}
