import { DigestSigner, expectedResponse, parseChallenges } from '../../../nodes/UltimakerDigitalFactory/connections/local/digest';

function fieldsOf(header: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const m of header.matchAll(/([a-z]+)=(?:"([^"]*)"|([^\s,]+))/g)) out[m[1]] = m[2] ?? m[3];
	return out;
}

describe('Digest challenges', () => {
	test('SHA-256 first among several challenges; stale and opaque read', () => {
		const [first, second] = parseChallenges([
			'Digest realm="Jedi-API", qop="auth", nonce="n1", algorithm=MD5',
			'Digest realm="Jedi-API", qop="auth", nonce="n1", algorithm=SHA-256, stale=true, opaque="o"',
		]);
		expect(first).toMatchObject({ algorithm: 'SHA-256', stale: true, opaque: 'o', nonce: 'n1' });
		expect(second.algorithm).toBe('MD5');
	});

	test('two challenges joined in one header value', () => {
		const found = parseChallenges('Digest realm="x", nonce="a", algorithm=MD5, Digest realm="x", nonce="b", algorithm="SHA-256"');
		expect(found.map((c) => c.nonce)).toEqual(['b', 'a']);
	});

	test('no algorithm: SHA-256 for the Jedi-API realm, MD5 (RFC 7616 default) otherwise; -sess and Basic ignored', () => {
		expect(parseChallenges('Digest realm="Jedi-API", nonce="a"')[0].algorithm).toBe('SHA-256');
		expect(parseChallenges('Digest realm="other", nonce="a"')[0].algorithm).toBe('MD5');
		expect(parseChallenges('Digest realm="x", nonce="a", algorithm=SHA-256-sess')).toEqual([]);
		expect(parseChallenges('Basic realm="x"')).toEqual([]);
		expect(parseChallenges(undefined)).toEqual([]);
	});
});

describe('DigestSigner', () => {
	test('nothing before a challenge; then a header the server verifies, for both algorithms', () => {
		for (const algorithm of ['SHA-256', 'MD5'] as const) {
			const signer = new DigestSigner('id1', 'secret-key', () => 'cafebabecafebabe');
			expect(signer.authorization('POST', '/cluster-api/v1/print_jobs/')).toBeUndefined();
			signer.learn(`Digest realm="Jedi-API", qop="auth", nonce="abc", algorithm=${algorithm}`);
			const header = signer.authorization('POST', '/cluster-api/v1/print_jobs/')!;
			const fields = fieldsOf(header);
			expect(fields).toMatchObject({ username: 'id1', realm: 'Jedi-API', nonce: 'abc', uri: '/cluster-api/v1/print_jobs/', nc: '00000001', qop: 'auth', algorithm });
			expect(fields.response).toBe(expectedResponse(algorithm, fields, 'POST', 'secret-key'));
			expect(header).not.toContain('secret-key');
			// nc and qop go unquoted, as Cura sends them [C].
			expect(header).toMatch(/nc=00000001, /);
		}
	});

	test('nc counts per nonce and restarts with a new nonce', () => {
		const signer = new DigestSigner('id', 'key');
		signer.learn('Digest realm="Jedi-API", qop="auth", nonce="one", algorithm=SHA-256');
		signer.authorization('GET', '/a');
		expect(fieldsOf(signer.authorization('GET', '/a')!).nc).toBe('00000002');
		signer.learn('Digest realm="Jedi-API", qop="auth", nonce="two", algorithm=SHA-256, stale=true');
		expect(fieldsOf(signer.authorization('GET', '/a')!).nc).toBe('00000001');
	});
});
