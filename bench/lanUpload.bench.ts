/**
 * Local network upload (`npm run bench -- lanUpload`): the node's Upload and Print on the local network connection
 * (credential ultimakerLocalNetworkApi) next to `curl --digest -F` of the same file to the same printer API, same
 * emulator, same run, rounds interleaved.
 *
 * - The emulator runs in a CHILD process (its memory and CPU stay out of the figures); its local-network listener
 *   plays the printer group. One pairing (auth/request, then Allow pressed through the control API) serves both
 *   approaches; Digest with the listener's default algorithm (SHA-256), which curl 7.57+ answers too.
 * - node: the real `print` / `uploadAndSend` with `authentication: localNetwork` through the node's `execute` on
 *   n8n-core's real ExecuteContext, the file held by n8n-core's BinaryDataService in filesystem mode (the node
 *   streams it as multipart: owner, file). Time: the whole operation — the queue read before, the pairing check
 *   (`GET /api/v1/auth/verify`), the multipart POST, the queue read after. Memory: this process's RSS growth,
 *   sampled every 10 ms.
 * - curl: `curl -s -o /dev/null --digest -u <id>:<key> -F owner=n8n -F file=@<path> <lan>/cluster-api/v1/print_jobs/`,
 *   the upload alone (curl probes with an empty POST, takes the 401 challenge, then sends the body). Time: curl's
 *   own `time_total`. Memory: curl's peak RSS (VmHWM from /proc).
 *
 * Sizes: BENCH_LAN_UPLOAD_SIZES_MIB (default 10,1024). Rounds: BENCH_LAN_UPLOAD_ROUNDS (default 5); the order of
 * the approaches rotates every round. BENCH_LAN_UPLOAD_PROFILE=1 also records a CPU profile of one node run of the
 * largest file (.bench/lanUpload-node.cpuprofile; its heaviest functions are printed). Raw: .bench/lanUpload.json.
 * The emulator reads a LAN upload's whole body into memory before answering (emulator/lanRoutes.ts), so both
 * approaches wait the same extra time for its answer; the ratio compares the clients on equal terms. One
 * unmeasured curl upload per size warms the emulator up first (its first large upload is slower, whoever sends it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

// With `.ts`: tsx would resolve `….node` to the codex file `….node.json` next to it.
import { UltimakerDigitalFactory } from '../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node.ts';
import { forgetSends } from '../nodes/UltimakerDigitalFactory/actions/print/owners';
import { writeGcodeFile } from '../test/fixtures/gcode';
import { runNode, storeBinary, type CredentialStore } from '../test/helpers/n8nContext';
import { LanClient } from '../emulator/client';
import { heaviest, profileCpu } from './lib/cpuProfile';
import { fmt, inProcess, median, runRounds, spread } from './lib/measure';
import { startEmulatorChild } from './lib/emulatorChild';
import { watchPeak } from './lib/peak';

const ROOT = join(__dirname, '..');
const MiB = 1024 * 1024;
const SIZES_MIB = (process.env.BENCH_LAN_UPLOAD_SIZES_MIB ?? '10,1024').split(',').filter(Boolean).map(Number);
const ROUNDS = Number(process.env.BENCH_LAN_UPLOAD_ROUNDS ?? 5);
const PROFILE = process.env.BENCH_LAN_UPLOAD_PROFILE === '1';
const NODE = 'this node: Upload and Print, local network (whole operation)';
const CURL = 'curl --digest -F (upload alone)';

type Binary = Awaited<ReturnType<typeof storeBinary>>;
type GcodeFile = Awaited<ReturnType<typeof writeGcodeFile>>;

interface Lan {
	url: string;
	client: LanClient;
	pairing: { id: string; key: string };
	credentials: CredentialStore;
}

interface Run {
	seconds: number;
	mibps: number;
	/** Bytes: this process's RSS growth (node), curl's peak RSS (curl). */
	memory: number;
	cpuSeconds: number;
	/** The emulator received one upload of exactly the file's bytes (and the node returned the queued job). */
	ok: boolean;
}

/** Whether the emulator's newest upload is `name` with exactly `bytes` bytes, and it is one more than `countBefore`. */
async function received(lan: Lan, countBefore: number, name: string, bytes: number): Promise<boolean> {
	const uploads = await lan.client.uploads();
	const last = uploads[uploads.length - 1];
	return uploads.length === countBefore + 1 && last?.name === name && last.bytes === bytes && last.owner === 'n8n';
}

const nodeParameters = { authentication: 'localNetwork', resource: 'print', operation: 'uploadAndSend', target: 'cluster' };

function runUploadAndPrint(lan: Lan, binary: Binary) {
	return runNode({
		nodeType: new UltimakerDigitalFactory(),
		parameters: nodeParameters,
		items: [{ json: {}, binary: { data: binary } }],
		credentials: lan.credentials,
	});
}

async function nodeUpload(lan: Lan, binary: Binary, file: GcodeFile): Promise<Run> {
	// Each run is a new workflow run: forget the print sends an earlier run of this process remembers.
	forgetSends();
	const countBefore = (await lan.client.uploads()).length;
	const run = await inProcess(() => runUploadAndPrint(lan, binary));
	const job = run.value[0]?.[0]?.json;
	const ok = typeof job?.uuid === 'string' && (await received(lan, countBefore, file.name.replace(/\.gcode$/, ''), file.size));
	return { seconds: run.seconds, mibps: file.size / MiB / run.seconds, memory: run.rssGrowth, cpuSeconds: run.cpuSeconds, ok };
}

async function curlUpload(lan: Lan, file: GcodeFile): Promise<Run> {
	const countBefore = (await lan.client.uploads()).length;
	const args = ['-s', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', '--digest', '-u', `${lan.pairing.id}:${lan.pairing.key}`];
	args.push('-F', 'owner=n8n', '-F', `file=@${file.path}`, `${lan.url}/cluster-api/v1/print_jobs/`);
	const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] });
	const watcher = watchPeak(child.pid!);
	let out = '';
	child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	const peak = watcher.stop();
	if (code !== 0) throw new Error(`curl failed with exit ${code}`);
	const [httpCode, time] = out.trim().split(' ');
	const seconds = Number(time);
	const ok = httpCode === '200' && (await received(lan, countBefore, file.name.replace(/\.gcode$/, ''), file.size));
	return { seconds, mibps: file.size / MiB / seconds, memory: peak.peakRss, cpuSeconds: peak.cpuSeconds, ok };
}

/** Pairs with the emulator's "printer" (request, then Allow pressed on its screen) and builds the node's credential. */
async function pairWith(url: string): Promise<Lan> {
	const client = new LanClient(url);
	const pairing = await client.pair('n8n-bench', 'bench');
	const credentials: CredentialStore = { ultimakerLocalNetworkApi: { host: url.replace(/^http:\/\//, ''), authId: pairing.id, authKey: pairing.key } };
	return { url, client, pairing, credentials };
}

/** ROUNDS rounds of every approach, the order rotating every round. */
// ---------- report ----------

const mib = (bytes: number) => bytes / MiB;

function sizeLabel(sizeMiB: number): string {
	return sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`;
}

function sizeTable(sizeMiB: number, runs: Record<string, Run[]>): string {
	const node = runs[NODE]!;
	const curl = runs[CURL]!;
	// Same round, same file: how long curl took for what the node took (1 = as fast as curl, < 1 = slower).
	const ratios = node.map((run, i) => curl[i]!.seconds / run.seconds);
	const row = (name: string, list: Run[], ratio: string, memory: string) =>
		`| ${name} | ${spread(list.map((run) => run.seconds), 3)} | ${list.map((run) => fmt(run.mibps, 0)).join(' / ')} | ${ratio} | ${memory} | ${spread(list.map((run) => run.cpuSeconds), 2)} | ${list.every((run) => run.ok) ? 'yes' : 'NO'} |`;
	const nodeMemory = node.map((run) => mib(run.memory));
	const rows = [
		row(NODE, node, `**${spread(ratios, 2)}**`, `RSS growth ${fmt(median(nodeMemory))} MiB median, ${fmt(Math.max(...nodeMemory))} MiB max`),
		row(CURL, curl, '1', `curl's peak RSS ${fmt(Math.max(...curl.map((run) => mib(run.memory))))} MiB max`),
	];
	return (
		`**${sizeLabel(sizeMiB)}**, ${ROUNDS} rounds:\n\n` +
		'| approach | seconds: median (min–max) | MiB/s per round | ratio curl time / node time, same round: median (min–max) | memory | CPU s: median (min–max) | all received |\n' +
		`|---|---|---|---|---|---|---|\n${rows.join('\n')}`
	);
}

interface SizeResult {
	table: string;
	raw: Record<string, unknown>;
	profileLines: string[];
}

/** One file size: write it, store it as n8n does, run both approaches ROUNDS times, and (largest, on request) profile the node. */
async function measureSize(lan: Lan, dir: string, sizeMiB: number): Promise<SizeResult> {
	const file = await writeGcodeFile({ sizeBytes: sizeMiB * MiB, dir, fileName: `lan-bench-${sizeMiB}MiB.gcode` });
	const binary = await storeBinary({ path: file.path }, { fileName: file.name, mimeType: 'text/x-gcode' });
	spawnSync('sync');
	// Unmeasured warm-up: the emulator's first upload of a size pays for its first large allocation (a fresh
	// emulator took 7.9 s for a first 1 GiB curl upload, 4.2–4.5 s for the next three), which would always fall
	// on the approach that runs first in round 1.
	const warmUp = await curlUpload(lan, file);
	if (!warmUp.ok) throw new Error('the warm-up upload did not reach the emulator');
	const runs = await runRounds({ [NODE]: () => nodeUpload(lan, binary, file), [CURL]: () => curlUpload(lan, file) }, ROUNDS);
	let profileLines: string[] = [];
	if (PROFILE && sizeMiB === Math.max(...SIZES_MIB)) {
		forgetSends();
		const { profile } = await profileCpu(() => runUploadAndPrint(lan, binary), join(ROOT, '.bench', 'lanUpload-node.cpuprofile'));
		profileLines = heaviest(profile, 15);
	}
	rmSync(file.path, { force: true });
	return { table: sizeTable(sizeMiB, runs), raw: { sizeMiB, bytes: file.size, warmUpCurl: warmUp, runs }, profileLines };
}

async function main(): Promise<void> {
	const { child, lanUrl } = await startEmulatorChild('lan-upload-bench');
	const dir = join(ROOT, '.bench', 'lan-upload-files');
	mkdirSync(dir, { recursive: true });
	const loadAtStart = loadavg();
	const startedAt = new Date().toISOString();
	const sizes: SizeResult[] = [];
	try {
		const lan = await pairWith(lanUrl);
		for (const sizeMiB of SIZES_MIB) sizes.push(await measureSize(lan, dir, sizeMiB));
	} finally {
		child.kill('SIGTERM');
		rmSync(dir, { recursive: true, force: true });
	}
	const loadAtEnd = loadavg();
	const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' / ');
	console.log(`Started ${startedAt}. Load average (1/5/15 min) at the start ${load(loadAtStart)}, at the end ${load(loadAtEnd)}.\n`);
	for (const size of sizes) console.log(`${size.table}\n`);
	console.log(
		'Times: this node = the whole Upload and Print (queue read, pairing check, multipart POST, queue read); curl = the upload alone (its time_total). ' +
			'Ratio ≥ 0.8 would match the cloud upload\'s target; node RSS growth target < 64 MB for 1 GiB.',
	);
	const profileLines = sizes.flatMap((size) => size.profileLines);
	if (profileLines.length) console.log(`\nCPU profile of one node Upload and Print of the largest file (self time; .bench/lanUpload-node.cpuprofile):\n\n${profileLines.join('\n')}`);
	mkdirSync(join(ROOT, '.bench'), { recursive: true });
	writeFileSync(join(ROOT, '.bench', 'lanUpload.json'), JSON.stringify({ at: startedAt, loadAtStart, loadAtEnd, results: sizes.map((size) => size.raw) }, null, 2));
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
