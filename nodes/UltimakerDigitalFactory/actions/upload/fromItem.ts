/** Reads the upload parameters of one item, plans the upload and runs it (shared by Upload job/file and Upload and print). */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { UploadTarget } from '../../core/upload/contentTypes';
import { decideContentType, ruleForFileName } from '../../core/upload/contentTypes';
import type { UploadPlan } from '../../core/upload/plan';
import { resolveUploadName } from '../../core/upload/plan';
import type { CloudConnection } from '../../connections/cloud/connection';
import type { UploadResult } from '../../connections/cloud/twoStageUpload';
import { checkedBinarySize, uploadBinary } from '../../connections/cloud/twoStageUpload';
import { rawId, readOrigin } from '../descriptions';
import { MAX_JOB_NAME_LENGTH, nameWithReference } from '../../core/reference';

/** The job name to register: the order reference in front (shared/reference.ts), within the length that is kept. */
function jobNameWithReference(this: IExecuteFunctions, name: string, reference: string | null, itemIndex: number): string {
	const encoded = nameWithReference(name, reference);
	if (reference !== null && encoded.length > MAX_JOB_NAME_LENGTH) {
		throw new NodeOperationError(this.getNode(), `The job name with its reference is ${encoded.length} characters long`, {
			description: `Digital Factory keeps job names of up to ${MAX_JOB_NAME_LENGTH} characters, and the reference must not be cut off. Shorten "Job Name".`,
			itemIndex,
		});
	}
	return encoded;
}

export async function uploadFromItem(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: CloudConnection,
	target: UploadTarget,
	options: { nameParameter: 'jobName' | 'fileName'; waitForUpload: boolean; projectId?: string; reference?: string | null },
): Promise<UploadResult> {
	const propertyName = (this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string).trim();
	const binary = this.helpers.assertBinaryData(itemIndex, propertyName);
	const name = resolveUploadName(this.getNodeParameter(options.nameParameter, itemIndex, '') as string, binary.fileName);
	if (!name) {
		throw new NodeOperationError(this.getNode(), 'The file has no name', {
			description: `Set "${options.nameParameter === 'jobName' ? 'Job Name' : 'File Name'}" — the binary field "${propertyName}" carries no file name.`,
			itemIndex,
		});
	}
	// The binary's own file name decides the content type; the given name only when the file name tells nothing.
	const nameForType = [binary.fileName, name].find((candidate) => candidate && ruleForFileName(candidate)) ?? binary.fileName ?? name;
	const decision = decideContentType(nameForType, target, this.getNodeParameter('contentType', itemIndex, '') as string);
	if (!decision.ok) {
		throw new NodeOperationError(this.getNode(), decision.message, { description: decision.hint, itemIndex });
	}
	const source = { binary, propertyName, itemIndex };
	const fileSize = await checkedBinarySize.call(this, source, name);
	if (fileSize <= 0) {
		throw new NodeOperationError(this.getNode(), `"${name}" is empty (0 bytes)`, {
			description: 'Digital Factory cannot store an empty file. Check the node that produced the binary data.',
			itemIndex,
		});
	}
	const plan: UploadPlan = {
		target,
		name: target === 'job' ? jobNameWithReference.call(this, name, options.reference ?? null, itemIndex) : name,
		fileSize,
		contentType: decision.contentType,
		origin: readOrigin.call(this, itemIndex, connection.defaultOrigin),
		projectId: options.projectId ? rawId(options.projectId) : undefined,
	};
	const upload = { waitForUpload: options.waitForUpload };
	// A toolpath goes where the connection prints from; a library file only to Digital Factory's Cura API.
	return target === 'job' ? await connection.uploadToolpath(plan, source, upload) : await uploadBinary.call(this, connection, plan, source, upload);
}
