/** Ids where they enter a request path: checked and encoded once (core/validation.ts), refused in words. */
import { NodeOperationError } from 'n8n-workflow';

import { checkIdSegment } from '../core/validation';
import type { UltimakerContext } from './cloud/credential';

/** The id as one path segment, or a NodeOperationError naming it (dot segments and control characters are refused). */
export function pathId(this: UltimakerContext, value: unknown, label: string, itemIndex?: number): string {
	const checked = checkIdSegment(value, label);
	if (!checked.ok) throw new NodeOperationError(this.getNode(), checked.message, { description: checked.hint, itemIndex });
	return checked.value;
}
