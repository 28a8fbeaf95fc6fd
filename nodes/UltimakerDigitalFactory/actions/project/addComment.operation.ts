import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { apiRequest, unreadableAnswer } from '../../connections/cloud/transport/request';
import { pathId } from '../../connections/ids';
import { rawId } from '../descriptions';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Add Comment',
	action: 'Add comment to project',
	description: 'Add a comment to a Digital Library project (e.g. which order or print it belongs to)',
};

/** The longest comment accepted (Digital Factory's user messages hold up to 1000 characters). */
const MAX_COMMENT = 1000;

export const properties: INodeProperties[] = [
	{
		displayName: 'Project ID',
		name: 'projectId',
		type: 'string',
		default: '',
		required: true,
		description: 'The library_project_id of the project (from Get Many Projects or Create Project)',
	},
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: `The comment's text (up to ${MAX_COMMENT} characters)`,
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const projectId = rawId(this.getNodeParameter('projectId', itemIndex, ''));
	const segment = pathId.call(this, projectId, 'project ID', itemIndex);
	const comment = String(this.getNodeParameter('comment', itemIndex, '') ?? '').trim();
	if (!comment) throw new NodeOperationError(this.getNode(), 'Comment is empty', { description: 'Enter the text of the comment.', itemIndex });
	if (comment.length > MAX_COMMENT) {
		throw new NodeOperationError(this.getNode(), `The comment is too long (${comment.length} characters; at most ${MAX_COMMENT})`, { itemIndex });
	}
	const request = {
		method: 'PUT' as const,
		path: `/cura/v1/projects/${segment}/comments`,
		body: { data: { body: comment } },
		what: `a comment on project ${projectId}`,
		// Adding twice would post the comment twice: only a 429 (refused before acting) is retried.
		retry: 'rateLimitOnly' as const,
		itemIndex,
	};
	const response = await apiRequest.call(this, connection, request);
	// The answer's shape is not documented: its `data` object as is, or nothing beyond what was sent.
	const body = response.body as { data?: unknown } | string | undefined;
	if (typeof body === 'string' && body.trim() !== '') throw unreadableAnswer.call(this, request, response, undefined, connection.secrets);
	const data = body && typeof body === 'object' && body.data && typeof body.data === 'object' && !Array.isArray(body.data) ? (body.data as IDataObject) : {};
	return [{ library_project_id: projectId, body: comment, ...data }];
}
