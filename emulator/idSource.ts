/**
 * Id generation. With a seed every id is derived from sha256(seed, counter), so a given sequence of calls
 * yields the same ids run after run (deterministic tests and docs); without one, ids are random.
 */
import { createHash, randomBytes } from 'node:crypto';

export class IdSource {
	private counter = 0;

	constructor(private readonly seed?: string) {}

	bytes(length: number): Buffer {
		if (this.seed === undefined) return randomBytes(length);
		const chunks: Buffer[] = [];
		let total = 0;
		while (total < length) {
			const chunk = createHash('sha256').update(`${this.seed}\u0000${this.counter++}`).digest();
			chunks.push(chunk);
			total += chunk.length;
		}
		return Buffer.concat(chunks).subarray(0, length);
	}

	/** Cluster ids: 32 bytes as URL-safe base64 keeping the `=` padding, like `kBEeZWEi…RniPg=`. */
	clusterId(): string {
		return this.bytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
	}

	/** Toolpath/library job ids: URL-safe base64 with `=` padding (`ABCDef…-1234…abcDE=`). */
	jobId(): string {
		return this.bytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
	}

	uuid(): string {
		const b = this.bytes(16);
		b[6] = (b[6]! & 0x0f) | 0x40;
		b[8] = (b[8]! & 0x3f) | 0x80;
		const hex = b.toString('hex');
		return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
	}

	hex(length: number): string {
		return this.bytes(Math.ceil(length / 2))
			.toString('hex')
			.slice(0, length);
	}

	/** Opaque url-safe secret (tokens, codes, signatures). */
	secret(bytes = 24): string {
		return this.bytes(bytes).toString('base64url');
	}

	/** 24 hex chars, like Digital Library project ids. */
	objectId(): string {
		return this.hex(24);
	}
}
