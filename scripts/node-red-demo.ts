/**
 * `npm run start:node-red`: the Digital Factory emulator + a real Node-RED (5.x, on Node 24 from the cache of
 * scripts/install-node-red.sh) with the packed Node-RED package installed in .demo/node-red, a connection to the
 * emulator and the three example flows deployed. Ctrl-C stops both.
 *   NODE_RED_PORT   editor port, default 1880
 *   EMULATOR_PORT   emulator API port (storage uses the next one), default 8787
 *   DEMO_SPEED      emulator clock multiplier, default 30 (a 20-minute print takes 40 s)
 * Run `npm run build` first (the Node-RED package is built from dist/).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_API_TOKEN, startEmulator } from '../emulator';
import { deployFlows, exampleFlow, installNodeRed, packNodeRedPackage, prepareUserDir, ROOT, startNodeRed } from './lib/nodeRed';

const EXAMPLES = ['upload-print-status.json', 'erp-order-best-match-print.json', 'print-failed-message.json'];
const SAMPLE = join(ROOT, 'examples', 'files', 'calibration-cube.gcode');

async function main(): Promise<void> {
	const port = Number(process.env.NODE_RED_PORT ?? 1880);
	const emulatorPort = Number(process.env.EMULATOR_PORT ?? 8787);
	const speed = Number(process.env.DEMO_SPEED ?? 30) || 30;
	if (!existsSync(join(ROOT, 'dist', 'nodes', 'UltimakerDigitalFactory', 'actions', 'router.js'))) {
		throw new Error('No dist/: run "npm run build" first');
	}
	console.log('Ultimaker Digital Factory × Node-RED demo — starting (Ctrl-C stops it)');
	const dir = installNodeRed();
	const work = join(ROOT, '.demo', 'node-red');
	const tarball = packNodeRedPackage(join(work, 'pack'));
	console.log('Installing the packed Node-RED package into .demo/node-red/user ...');
	prepareUserDir(dir, join(work, 'user'), tarball, port);
	const emulator = await startEmulator({ port: emulatorPort, seed: 'demo', speed });
	const red = await startNodeRed(dir, join(work, 'user'), port);
	// One connection node shared by every example flow, the sample toolpath in the inject nodes.
	const flows = EXAMPLES.flatMap((file, index) =>
		exampleFlow(file, emulator.url, DEFAULT_API_TOKEN)
			.filter((node) => index === 0 || node.type !== 'ultimaker-connection')
			.map((node) => (node.id === 'st-inject' ? { ...node, props: [{ p: 'filename', v: SAMPLE, vt: 'str' }, { p: 'reference', v: 'DEMO-1', vt: 'str' }] } : node)),
	);
	const [cluster] = await emulator.client.clusters();
	for (const node of flows) if (node.id === 'st-print') node.clusterId = cluster!.cluster_id;
	await deployFlows(red.url, flows);
	console.log(`
────────────────────────────────────────────────────────────────────────────
 The Node-RED demo is running.

 Node-RED editor  ${red.url}
 Emulator API     ${emulator.url}   (Digital Factory stand-in, clock ${speed}×, token ${DEFAULT_API_TOKEN})
   farm state     ${emulator.url}/_emulator/state

 Flows: ${EXAMPLES.join(', ')}
 Try:
   click "print the toolpath" in the first tab (uploads, prints, shows the status in the debug sidebar)
   curl -H 'Content-Type: application/json' -d '{"file":"${SAMPLE}","order":"SO-1001","copies":2}' ${red.url}/ultimaker/print-order

 Ctrl-C stops Node-RED and the emulator.
────────────────────────────────────────────────────────────────────────────`);
	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping Node-RED and the emulator...`);
		await red.stop();
		await emulator.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));
	red.process.on('exit', (code) => {
		if (stopping) return;
		console.error(`Node-RED exited unexpectedly (code ${code}):\n${red.log().slice(-2000)}`);
		void emulator.close().then(() => process.exit(1));
	});
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
