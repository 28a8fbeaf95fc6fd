/**
 * Jest setup (setupFilesAfterEnv, every project): for the whole run, scans for test tokens (see ./secrets.ts)
 * - everything written to process.stdout / process.stderr and through console.* (masked, so the log itself
 *   never carries a token),
 * - every output and every thrown error of the two nodes: `UltimakerDigitalFactory.prototype.execute`,
 *   `UltimakerDigitalFactoryTrigger.prototype.poll` and the editor's cluster pickers (list search, load options)
 *   are wrapped, which covers runNode, createExecuteContext and createPollContext alike; errors are scanned as
 *   n8n shows and stores them (test/helpers/secrets.ts `errorSurfaces`: message, description, toJSON(),
 *   errorResponse, context, cause chain),
 * and fails the test file in afterAll if anything was found.
 */
import { findSecretsInText, leaks, mask, recordLeak, scanForSecrets } from './secrets';

function maskText(text: string, secrets: string[]): string {
	return secrets.reduce((acc, secret) => acc.split(secret).join(mask(secret)), text);
}

function guardStream(stream: NodeJS.WriteStream, name: string): void {
	const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
	stream.write = ((chunk: unknown, ...rest: unknown[]) => {
		const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
		const hits = text ? findSecretsInText(text) : [];
		if (hits.length > 0) {
			recordLeak(name, hits, text);
			return original(maskText(text, hits), ...rest);
		}
		return original(chunk, ...rest);
	}) as typeof stream.write;
}

/**
 * console.* is not wrapped (that would make jest report every log line as coming from this file). Jest's
 * console either writes straight to process.stdout/stderr (CustomConsole, single-file/verbose runs: caught by
 * guardStream) or buffers entries until the file ends (BufferedConsole): those are scanned and masked in place
 * in afterAll, before jest prints them.
 */
function scanBufferedConsole(): void {
	const buffer = (console as unknown as { getBuffer?: () => Array<{ message: string; type: string }> | undefined }).getBuffer?.();
	for (const entry of buffer ?? []) {
		const hits = findSecretsInText(entry.message);
		if (hits.length === 0) continue;
		recordLeak(`console.${entry.type}`, hits, entry.message);
		entry.message = maskText(entry.message, hits);
	}
}

type AnyMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;

function guardMethod(owner: { prototype: object } | undefined, method: string, label: string): void {
	guardFunction(owner?.prototype as Record<string, AnyMethod> | undefined, method, label);
}

/** Wraps `holder[method]` (a prototype, or a module's exports) so its results and errors are scanned. */
function guardFunction(holder: Record<string, AnyMethod> | undefined, method: string, label: string): void {
	const prototype = holder;
	const original = prototype?.[method];
	if (!prototype || typeof original !== 'function' || (original as { secretGuard?: true }).secretGuard) return;
	const guarded: AnyMethod = async function (this: unknown, ...args: unknown[]) {
		try {
			const result = await original.apply(this, args);
			scanForSecrets(`${label} output`, result);
			return result;
		} catch (error) {
			scanForSecrets(`${label} error`, error);
			throw error;
		}
	};
	(guarded as { secretGuard?: true }).secretGuard = true;
	prototype[method] = guarded;
}

function guardNodes(): void {
	// Loaded lazily and defensively: a test file that does not use the nodes still works if they fail to load.
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const action = require('../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node');
		guardMethod(action.UltimakerDigitalFactory, 'execute', 'UltimakerDigitalFactory.execute');
	} catch {
		// not loadable here; nothing to guard
	}
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const trigger = require('../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node');
		guardMethod(trigger.UltimakerDigitalFactoryTrigger, 'poll', 'UltimakerDigitalFactoryTrigger.poll');
	} catch {
		// not loadable here; nothing to guard
	}
	try {
		// The nodes hold these functions in their `methods`; the instances are built later, from the wrapped exports.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		guardFunction(require('../../nodes/UltimakerDigitalFactory/methods/listSearch'), 'searchClusters', 'searchClusters');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		guardFunction(require('../../nodes/UltimakerDigitalFactory/methods/loadOptions'), 'getClusters', 'getClusters');
	} catch {
		// not loadable here; nothing to guard
	}
}

guardStream(process.stdout, 'stdout');
guardStream(process.stderr, 'stderr');
guardNodes();

afterAll(() => {
	scanBufferedConsole();
	const found = leaks();
	if (found.length === 0) return;
	const lines = found.slice(0, 10).map((leak) => `- ${leak.where}: ${leak.secrets.join(', ')} in "${leak.excerpt}"`);
	throw new Error(`Secret scan: ${found.length} leak(s) of test tokens in this file:\n${lines.join('\n')}`);
});
