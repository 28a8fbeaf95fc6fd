/**
 * HTTP Digest (RFC 7616) as the printers use it for writes: the printer's challenge read from `WWW-Authenticate`,
 * the `Authorization` header built here (n8n's own helper hashes MD5 only and quotes `nc`, which a SHA-256 printer
 * cannot verify — lan-cluster-api.md §7.8 [C]).
 *
 * Facts (lan-cluster-api.md §3): Cura 2025 signs with realm `Jedi-API`, `qop=auth`, `algorithm="SHA-256"`, `nc`
 * and `qop` unquoted, no `opaque` [C]; the realm and algorithm of the printer's own challenge are not confirmed
 * [I], so the challenge decides: its `algorithm` when given, SHA-256 when the realm is `Jedi-API` without one,
 * else MD5 (RFC 7616's default) [I]. `opaque` is echoed when the challenge has one (RFC 7616) [I]. A challenge
 * with `stale=true` means the nonce expired, not the key [RFC 7616; whether printers send it: I].
 */
import { createHash, randomBytes } from 'node:crypto';

export type DigestAlgorithm = 'SHA-256' | 'MD5';

export interface DigestChallenge {
	realm: string;
	nonce: string;
	qop?: string;
	opaque?: string;
	algorithm: DigestAlgorithm;
	stale: boolean;
}

/** Cura's hard-coded realm [C]. */
export const JEDI_REALM = 'Jedi-API';

function params(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
	for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
		out[match[1].toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
	}
	return out;
}

/**
 * The Digest challenges of a `WWW-Authenticate` value (several may be joined by commas, or come as an array),
 * SHA-256 first; unknown algorithms (e.g. `-sess` variants) are left out. Empty when there is none.
 */
export function parseChallenges(header: unknown): DigestChallenge[] {
	const values = Array.isArray(header) ? header.map(String) : typeof header === 'string' ? [header] : [];
	const challenges: DigestChallenge[] = [];
	for (const value of values) {
		for (const part of value.split(/(?:^|,)\s*Digest\s+/i).slice(1)) {
			const p = params(part);
			if (!p.nonce) continue;
			const named = p.algorithm?.toUpperCase();
			const algorithm: DigestAlgorithm | undefined =
				named === undefined ? (p.realm === JEDI_REALM ? 'SHA-256' : 'MD5') : named === 'SHA-256' ? 'SHA-256' : named === 'MD5' ? 'MD5' : undefined;
			if (!algorithm) continue;
			challenges.push({ realm: p.realm ?? JEDI_REALM, nonce: p.nonce, qop: p.qop, opaque: p.opaque, algorithm, stale: /^true$/i.test(p.stale ?? '') });
		}
	}
	return challenges.sort((a, b) => (a.algorithm === b.algorithm ? 0 : a.algorithm === 'SHA-256' ? -1 : 1));
}

const hash = (algorithm: DigestAlgorithm, text: string) => createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5').update(text, 'utf8').digest('hex');

/** One pairing's signer: keeps the printer's latest nonce and counts `nc` per nonce (reset on a new nonce). */
export class DigestSigner {
	private challenge: DigestChallenge | undefined;
	private count = 0;

	constructor(
		private readonly id: string,
		private readonly key: string,
		private readonly cnonce: () => string = () => randomBytes(8).toString('hex'),
	) {}

	get hasChallenge(): boolean {
		return this.challenge !== undefined;
	}

	/** Takes the printer's (first usable) challenge; false when the header carries none. */
	learn(header: unknown): DigestChallenge | undefined {
		const [challenge] = parseChallenges(header);
		if (!challenge) return undefined;
		if (challenge.nonce !== this.challenge?.nonce) this.count = 0;
		this.challenge = challenge;
		return challenge;
	}

	/** The `Authorization` value for `method` and `uri` (path and query, no host), or undefined before any challenge. */
	authorization(method: string, uri: string): string | undefined {
		const challenge = this.challenge;
		if (!challenge) return undefined;
		this.count++;
		const nc = this.count.toString(16).padStart(8, '0');
		const cnonce = this.cnonce();
		const ha1 = hash(challenge.algorithm, `${this.id}:${challenge.realm}:${this.key}`);
		const ha2 = hash(challenge.algorithm, `${method.toUpperCase()}:${uri}`);
		const withQop = challenge.qop === undefined || challenge.qop.split(',').map((q) => q.trim()).includes('auth');
		const response = withQop
			? hash(challenge.algorithm, `${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`)
			: hash(challenge.algorithm, `${ha1}:${challenge.nonce}:${ha2}`);
		const quote = (value: string) => `"${value.replace(/(["\\])/g, '\\$1')}"`;
		const parts = [`username=${quote(this.id)}`, `realm=${quote(challenge.realm)}`, `nonce=${quote(challenge.nonce)}`, `uri=${quote(uri)}`];
		if (withQop) parts.push(`nc=${nc}`, `cnonce=${quote(cnonce)}`, 'qop=auth');
		parts.push(`response=${quote(response)}`, `algorithm=${challenge.algorithm}`);
		if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
		return `Digest ${parts.join(', ')}`;
	}
}

/** Server side of the check, for tests and the emulator's mirror: the expected `response` for a parsed header. */
export function expectedResponse(algorithm: DigestAlgorithm, fields: Record<string, string>, method: string, key: string): string {
	const ha1 = hash(algorithm, `${fields.username}:${fields.realm}:${key}`);
	const ha2 = hash(algorithm, `${method}:${fields.uri}`);
	return fields.qop ? hash(algorithm, `${ha1}:${fields.nonce}:${fields.nc}:${fields.cnonce}:${fields.qop}:${ha2}`) : hash(algorithm, `${ha1}:${fields.nonce}:${ha2}`);
}
