/**
 * `npm run emulator -- [--port 8787] [--storage-port 8788] [--printers ultimaker_s5:2,ultimaker_s7:1]
 *   [--cluster-size 1] [--speed 1] [--seed demo] [--token umapi-…] [--upload-dir DIR] [--host 127.0.0.1]`
 * Every flag also reads an env variable: EMULATOR_PORT, EMULATOR_STORAGE_PORT, EMULATOR_PRINTERS,
 * EMULATOR_CLUSTER_SIZE, EMULATOR_SPEED, EMULATOR_SEED, EMULATOR_TOKEN, EMULATOR_UPLOAD_DIR, EMULATOR_HOST.
 */
import { PRINTER_TYPES } from './catalog';
import { clusterLabel } from './view';
import type { ClusterSpec, PrinterSpec } from './state';
import { startEmulator } from './index';
import type { EmulatorOptions } from './index';

const FLAGS: Record<string, string> = {
	port: 'EMULATOR_PORT',
	'storage-port': 'EMULATOR_STORAGE_PORT',
	printers: 'EMULATOR_PRINTERS',
	'cluster-size': 'EMULATOR_CLUSTER_SIZE',
	speed: 'EMULATOR_SPEED',
	seed: 'EMULATOR_SEED',
	token: 'EMULATOR_TOKEN',
	'upload-dir': 'EMULATOR_UPLOAD_DIR',
	host: 'EMULATOR_HOST',
	'upload-processing-ms': 'EMULATOR_UPLOAD_PROCESSING_MS',
	'print-response': 'EMULATOR_PRINT_RESPONSE',
	'upload-url-style': 'EMULATOR_UPLOAD_URL_STYLE',
};

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [flag, variable] of Object.entries(FLAGS)) if (env[variable] !== undefined) values[flag] = env[variable]!;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--help' || arg === '-h') {
			values.help = 'true';
			continue;
		}
		const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
		if (!match || !(match[1]! in FLAGS)) throw new Error(`Unknown argument ${arg}. Known: ${Object.keys(FLAGS).map((f) => `--${f}`).join(' ')}`);
		const value = match[2] ?? argv[++i];
		if (value === undefined) throw new Error(`--${match[1]} needs a value`);
		values[match[1]!] = value;
	}
	return values;
}

/** `ultimaker_s5:2,ultimaker_s7` → printers; `4` → 4× S5. Grouped `clusterSize` printers per cluster. */
export function parseFarm(printers: string, clusterSize: number): ClusterSpec[] {
	const list: PrinterSpec[] = [];
	if (/^\d+$/.test(printers.trim())) {
		for (let i = 0; i < Number(printers); i++) list.push({ type: 'ultimaker_s5' });
	} else {
		for (const part of printers.split(',').map((p) => p.trim()).filter(Boolean)) {
			const [type, count = '1'] = part.split(':');
			if (!type || !PRINTER_TYPES[type]) throw new Error(`Unknown printer type ${JSON.stringify(type)}. Known: ${Object.keys(PRINTER_TYPES).join(', ')}`);
			if (!/^\d+$/.test(count)) throw new Error(`Bad printer count in ${JSON.stringify(part)}`);
			for (let i = 0; i < Number(count); i++) list.push({ type });
		}
	}
	if (list.length === 0) throw new Error('--printers lists no printers');
	const farm: ClusterSpec[] = [];
	for (let i = 0; i < list.length; i += clusterSize) farm.push({ printers: list.slice(i, i + clusterSize) });
	return farm;
}

function number(value: string | undefined, flag: string): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} must be a number >= 0`);
	return n;
}

function oneOf<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
	if (value === undefined) return undefined;
	if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${flag} must be one of ${allowed.join(', ')}`);
	return value as T;
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2), process.env);
	if (args.help) {
		console.log(`Usage: npm run emulator -- [--${Object.keys(FLAGS).join(' <v>] [--')} <v>]`);
		return;
	}
	const clusterSize = number(args['cluster-size'], 'cluster-size') ?? 1;
	if (!Number.isInteger(clusterSize) || clusterSize < 1) throw new Error('--cluster-size must be an integer >= 1');
	const options: EmulatorOptions = {
		port: number(args.port, 'port') ?? 8787,
		storagePort: number(args['storage-port'], 'storage-port'),
		host: args.host,
		speed: number(args.speed, 'speed') ?? 1,
		seed: args.seed,
		tokens: args.token ? [args.token] : [],
		farm: args.printers ? parseFarm(args.printers, clusterSize) : undefined,
		uploadDir: args['upload-dir'],
		uploadProcessingMs: number(args['upload-processing-ms'], 'upload-processing-ms'),
		printResponse: oneOf(args['print-response'], 'print-response', ['recorded', 'documented'] as const),
		uploadUrlStyle: oneOf(args['upload-url-style'], 'upload-url-style', ['resumable', 'signed'] as const),
	};
	const emulator = await startEmulator(options);
	// Keep serving whatever a handler throws: log it, do not die.
	process.on('uncaughtException', (error) => console.error('[emulator] uncaught:', error));
	process.on('unhandledRejection', (error) => console.error('[emulator] unhandled rejection:', error));
	const clusters = [...emulator.state.clusters.values()];
	console.log(`Digital Factory emulator running
  API base URL:   ${emulator.url}        (credential "Base URL"; also the OAuth/account host)
  Storage URL:    ${emulator.storageUrl}
  Local network:  ${emulator.lanUrl} (the printers' own API for one group; credential host: ${emulator.lanUrl.replace('http://', '')})
  API token:      ${emulator.apiToken}${args.token ? `\n  Extra token:    ${args.token}` : ''}
  Expired token:  ${emulator.expiredToken}
  OAuth client:   ${emulator.oauthClient.clientId} / ${emulator.oauthClient.clientSecret}
                  authorize ${emulator.url}/authorize   token ${emulator.url}/token
  Clock speed:    ${emulator.clock.speed}×
  Clusters:       ${clusters.length}
${clusters.map((c) => `    ${c.cluster_id}  ${clusterLabel(c)} (${c.printers.map((p) => p.machine_variant).join(', ')})`).join('\n')}
  Control API:    ${emulator.url}/_emulator/state
Press Ctrl-C to stop.`);
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: closing the emulator…`);
		emulator.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
	main().catch((error: Error) => {
		console.error(`emulator: ${error.message}`);
		process.exit(2);
	});
}
