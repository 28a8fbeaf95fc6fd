/**
 * The upload body of `POST /cluster-api/v1/print_jobs/` (lan-cluster-api.md §4.4 [C]): `multipart/form-data` with
 * the parts `owner`, `file` (filename = the job's name) and optionally `require_printer_name`, built by hand (no
 * form-data dependency). A binary n8n keeps outside memory is streamed — its own stream between the part headers
 * and the closing boundary — so memory stays flat whatever the file's size; one held in memory is sent as one
 * buffer. Each call of `body()` opens the file anew (only after a refusal before acting, see transport.ts).
 */
import { randomBytes } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { UploadPlan } from '../../core/upload/plan';
import { BINARY_STREAM_CHUNK_BYTES } from '../../core/upload/plan';
import type { BinarySource } from '../cloud/twoStageUpload';
import type { LocalBody } from './transport';


type BinaryStream = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

/** A part's filename, quoted: quotes, backslashes and line breaks cannot leave the header [I: no printer text on escaping]. */
export function partFileName(name: string): string {
	// eslint-disable-next-line no-control-regex
	return name.replace(/[\u0000-\u001f\u007f"\\]/g, '_');
}

export interface MultipartInput {
	plan: UploadPlan;
	source: BinarySource;
	owner: string;
	requirePrinter?: string;
}

/** The three pieces of the body around the file's bytes. */
export function multipartFrame(input: { fileName: string; contentType: string; owner: string; requirePrinter?: string }, boundary: string): { head: Buffer; tail: Buffer } {
	const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\nContent-Type: text/plain\r\n\r\n${value}\r\n`;
	const head =
		field('owner', input.owner) +
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${partFileName(input.fileName)}"\r\nContent-Type: ${input.contentType}\r\n\r\n`;
	const tail = `\r\n${input.requirePrinter ? field('require_printer_name', input.requirePrinter).replace(/^/, '') : ''}--${boundary}--\r\n`;
	return { head: Buffer.from(head, 'utf8'), tail: Buffer.from(tail, 'utf8') };
}

/**
 * A readable of `head`, the binary stream, `tail`, made with the binary stream's own class (`Readable.from`,
 * which fs and S3 streams inherit): a community node may not import `node:stream`.
 */
function framed(stream: BinaryStream, head: Buffer, tail: Buffer): LocalBody {
	const from = (stream.constructor as unknown as { from?: (iterable: AsyncIterable<Buffer>, options?: object) => BinaryStream }).from;
	if (typeof from !== 'function') throw new Error('n8n handed out the binary data as a stream this node cannot frame');
	async function* pieces(): AsyncGenerator<Buffer> {
		yield head;
		for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
		yield tail;
	}
	return from.call(stream.constructor, pieces(), { objectMode: false });
}

export async function multipartBody(this: IExecuteFunctions, input: MultipartInput): Promise<{ headers: Record<string, string>; body: () => Promise<LocalBody> }> {
	const boundary = `----n8nUltimaker${randomBytes(12).toString('hex')}`;
	const { head, tail } = multipartFrame(
		{ fileName: input.plan.name, contentType: input.plan.contentType, owner: input.owner, requirePrinter: input.requirePrinter },
		boundary,
	);
	const { source } = input;
	const headers = {
		'Content-Type': `multipart/form-data; boundary=${boundary}`,
		'Content-Length': String(head.length + input.plan.fileSize + tail.length),
	};
	const body = async (): Promise<LocalBody> => {
		if (source.buffer !== undefined || !source.binary.id) {
			source.buffer ??= await this.helpers.getBinaryDataBuffer(source.itemIndex, source.propertyName);
			return Buffer.concat([head, source.buffer, tail]);
		}
		return framed(await this.helpers.getBinaryStream(source.binary.id, BINARY_STREAM_CHUNK_BYTES), head, tail);
	};
	return { headers, body };
}
