/**
 * A screenshot of the Node-RED editor with the package's nodes and the example flow, for the docs: the same stack as
 * `npm run start:node-red` in a temporary folder, Debian's Chromium driven by playwright-core (no browser download).
 *   npx tsx scripts/node-red-screenshot.ts   → docs/screenshots/node-red-*.png   (after npm run build)
 * Not part of `npm test`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { DEFAULT_API_TOKEN, startEmulator } from '../emulator';
import { freePort } from './lib/n8n';
import { deployFlows, exampleFlow, installNodeRed, packNodeRedPackage, prepareUserDir, ROOT, startNodeRed } from './lib/nodeRed';

async function main(): Promise<void> {
	const out = join(ROOT, 'docs', 'screenshots');
	mkdirSync(out, { recursive: true });
	const dir = installNodeRed();
	const work = join(ROOT, '.demo', 'node-red-screenshot');
	const port = await freePort();
	prepareUserDir(dir, join(work, 'user'), packNodeRedPackage(join(work, 'pack')), port);
	const emulator = await startEmulator({ port: 0, storagePort: 0, seed: 'demo', speed: 30 });
	const red = await startNodeRed(dir, join(work, 'user'), port);
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
	try {
		await deployFlows(red.url, exampleFlow('erp-order-best-match-print.json', emulator.url, DEFAULT_API_TOKEN));
		const page = await browser.newPage({ viewport: { width: 1500, height: 720 } });
		await page.goto(red.url);
		await page.waitForSelector('#red-ui-palette-container', { timeout: 60_000 });
		await page.waitForTimeout(2500);
		await page.screenshot({ path: join(out, 'node-red-editor.png') });
		// The print node's edit dialog, opened through the editor's own API (string: the page's code, not ours).
		await page.evaluate('RED.editor.edit(RED.nodes.node("erp-print"))');
		await page.waitForTimeout(1500);
		await page.screenshot({ path: join(out, 'node-red-print-node.png') });
		// The connection's own dialog on top, switched to the local network: host, pairing fields, Pair with printer.
		await page.evaluate('RED.editor.editConfig("connection", "ultimaker-connection", "ultimaker-conn")');
		await page.waitForTimeout(1500);
		await page.selectOption('#node-config-input-connection', 'localNetwork');
		await page.fill('#node-config-input-host', '192.168.1.20');
		await page.waitForTimeout(500);
		await page.screenshot({ path: join(out, 'node-red-connection-local-network.png') });
		console.log(`Screenshots in ${out}`);
	} finally {
		await browser.close();
		await red.stop();
		await emulator.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
