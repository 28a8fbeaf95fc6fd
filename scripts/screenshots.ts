/**
 * Screenshots of the package in the real n8n editor, for the docs: starts the demo stack in a temporary
 * folder, logs in, and drives Debian's Chromium (no browser download) with playwright-core.
 *   npx tsx scripts/screenshots.ts            → docs/screenshots/*.png
 *   CHROMIUM=/path/to/chromium                (default /usr/bin/chromium)
 *   SCREENSHOTS_ONLY=<regex>                  only the shots whose file name matches (e.g. '^(17|18|19|20)-')
 * Not part of `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, REPO_ROOT } from './lib/n8n';
import { startDemoStack, type DemoStack } from './lib/demoStack';
import { LanClient } from '../emulator';

const OUT_DIR = join(REPO_ROOT, 'docs', 'screenshots');
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** The example workflows, each shot whole on its canvas. */
const WORKFLOW_SHOTS: Array<[id: string, file: string]> = [
	['udfExampleErpOrder', '02-example-erp-order-to-print.png'],
	['udfExampleFileDrop', '03-example-file-drop-to-print.png'],
	['udfExampleFarmReport', '04-example-morning-farm-report.png'],
	['udfExampleNotify', '05-example-notify-on-finish-or-failure.png'],
	['udfExampleBatch', '10-example-one-file-to-3-printers.png'],
	['udfExampleWeeklyReport', '14-example-weekly-farm-report.png'],
	['udfExampleLanSnapshot', '16-example-lan-snapshot-on-failure.png'],
];

/** One node's panel: open the workflow, optionally run it first, open the node, optionally show its output. */
interface NodeShot {
	workflow: string;
	node: string;
	file: string;
	/** Run the workflow in the editor before opening the node, and give it this long to finish. */
	runFirstMs?: number;
	/** Click the trigger's "Fetch Test Event" in the open panel, and give it this long to answer. */
	fetchTestEventMs?: number;
	/** Switch the panel's output to its JSON view. */
	json?: boolean;
	/** Stay on the canvas as the previous shot left it (e.g. with a trigger's fetched test event). */
	sameCanvas?: boolean;
	/** Click the open panel's "Execute step" and give it this long. */
	executeStepMs?: number;
	/** Meanwhile press Allow on the emulator's printer for the pairing the step asks for. */
	allowPairing?: boolean;
}

const NODE_SHOTS: NodeShot[] = [
	// The action node's parameter panel: Upload and print in the ERP example.
	{ workflow: 'udfExampleErpOrder', node: 'Upload and print', file: '06-node-upload-and-print.png' },
	// The trigger's parameter panel; in the editor it answers "Fetch Test Event" with a sample built from the live farm.
	{ workflow: 'udfExampleNotify', node: 'Print finished, failed or aborted', file: '07-trigger-parameters.png', fetchTestEventMs: 5_000, json: true },
	// The farm report run in the editor, with the report node's output.
	{ workflow: 'udfExampleFarmReport', node: 'Build report', file: '08-farm-report-output.png', runFirstMs: 6_000, json: true },
	// Farm dispatch: Find printer's parameters (ERP example), Inspect toolpath's (notify example), and the batch
	// example run in the editor: three copies on the three printers that fit.
	{ workflow: 'udfExampleErpOrder', node: 'Find printer', file: '11-node-find-printer.png' },
	{ workflow: 'udfExampleNotify', node: 'Inspect toolpath', file: '12-node-inspect-toolpath.png' },
	{ workflow: 'udfExampleBatch', node: 'Upload once, print on 3', file: '13-batch-output-three-printers.png', runFirstMs: 8_000, json: true },
	// The weekly farm report run in the editor on the demo's seeded history: the per-printer totals.
	{ workflow: 'udfExampleWeeklyReport', node: 'Per-printer totals', file: '15-weekly-report-output.png', runFirstMs: 10_000, json: true },
	// The local network: the trigger's "Fetch Test Event" from the printer group, and Camera snapshot's parameters.
	{ workflow: 'udfExampleLanSnapshot', node: 'Print failed or aborted', file: '17-lan-trigger-test-event.png', fetchTestEventMs: 5_000, json: true },
	// Then Camera snapshot run on that event: the printer's picture as binary "snapshot".
	{ workflow: 'udfExampleLanSnapshot', node: 'Camera snapshot', file: '20-camera-snapshot-output.png', sameCanvas: true, executeStepMs: 5_000 },
	{ workflow: 'udfExampleLanSnapshot', node: 'Camera snapshot', file: '18-node-camera-snapshot-lan.png' },
	// Pair with printer run by hand while "someone" presses Allow on the printer.
	{ workflow: 'udfExampleLanSnapshot', node: 'Pair with printer', file: '19-node-pair-with-printer.png', executeStepMs: 6_000, allowPairing: true, json: true },
];

async function main(): Promise<void> {
	mkdirSync(OUT_DIR, { recursive: true });
	const demoDir = mkdtempSync(join(tmpdir(), 'udf-screenshots-'));
	let stack: DemoStack | undefined;
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
		headless: true,
		args: CHROMIUM_FLAGS,
	});
	try {
		stack = await startDemoStack({
			n8nPort: await freePort(),
			emulatorPort: 18787,
			speed: 30,
			demoDir,
			fresh: true,
			log: (message) => console.log(message),
		});
		const page = await signedInPage(browser, stack);
		const base = stack.n8n.url;
		const only = new RegExp(process.env.SCREENSHOTS_ONLY ?? '');
		if (only.test('01-workflows.png')) await shootWorkflowList(page, base);
		for (const [id, file] of WORKFLOW_SHOTS.filter(([, name]) => only.test(name))) {
			await openWorkflow(page, `${base}/workflow/${id}`);
			await shot(page, file);
		}
		for (const nodeShot of NODE_SHOTS.filter((shot) => only.test(shot.file))) await shootNode(page, stack, nodeShot);
		if (only.test('09-nodes-panel-actions.png')) await shootNodesPanel(page, base);
		console.log(`Screenshots written to ${OUT_DIR}`);
	} finally {
		await browser.close();
		await stack?.stop();
		rmSync(demoDir, { recursive: true, force: true });
	}
}

/** A browser page signed in as the demo owner (the stack's session cookie). */
async function signedInPage(browser: Browser, stack: DemoStack): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
	await context.addCookies(
		stack.cookie
			.split('; ')
			.filter(Boolean)
			.map((pair) => {
				const [name, ...rest] = pair.split('=');
				return { name, value: rest.join('='), url: stack.n8n.url };
			}),
	);
	return await context.newPage();
}

async function shootWorkflowList(page: Page, base: string): Promise<void> {
	await page.goto(`${base}/home/workflows`, { waitUntil: 'networkidle' });
	await dismissPopups(page);
	await page.getByText('Ultimaker: ERP order → print').first().waitFor({ timeout: 30_000 });
	await shot(page, '01-workflows.png');
}

async function shootNode(page: Page, stack: DemoStack, spec: NodeShot): Promise<void> {
	const base = stack.n8n.url;
	if (!spec.sameCanvas) await openWorkflow(page, `${base}/workflow/${spec.workflow}`);
	if (spec.runFirstMs !== undefined) {
		// The canvas pane sits over the button in headless mode: dispatch the click to the button itself.
		await page.locator('[data-test-id^="execute-workflow-button"]').first().dispatchEvent('click');
		await page.waitForTimeout(spec.runFirstMs);
	}
	await openNode(page, spec.node);
	if (spec.fetchTestEventMs !== undefined) {
		await page.getByRole('button', { name: /fetch test event/i }).first().dispatchEvent('click');
		await page.waitForTimeout(spec.fetchTestEventMs);
	}
	if (spec.executeStepMs !== undefined) {
		const allowing = spec.allowPairing ? allowNextPairing(stack) : undefined;
		await page.locator('[data-test-id="ndv"] [data-test-id="node-execute-button"]').first().click({ timeout: 5_000 });
		await page.waitForTimeout(spec.executeStepMs);
		await allowing;
	}
	if (spec.json) await showOutputAsJson(page);
	await shot(page, spec.file);
	await page.keyboard.press('Escape');
}

/** Presses Allow on the emulator's printer group for the first pairing request that is still open (within 10 s). */
async function allowNextPairing(stack: DemoStack): Promise<void> {
	const lan = new LanClient(stack.emulator.lanUrl);
	for (let tries = 0; tries < 100; tries++) {
		const open = ((await lan.settings()).pairings as Array<{ id: string; status: string }>).find((pairing) => pairing.status === 'unknown');
		if (open) {
			await lan.pressOnPrinter(open.id, 'allow');
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** The nodes panel: the package's actions. */
async function shootNodesPanel(page: Page, base: string): Promise<void> {
	await openWorkflow(page, `${base}/workflow/udfExampleNotify`);
	await page.keyboard.press('Tab');
	await page.waitForTimeout(800);
	await page.keyboard.type('Ultimaker', { delay: 40 });
	await page.waitForTimeout(1_200);
	await page.getByText('Ultimaker Digital Factory', { exact: true }).first().click();
	await page.waitForTimeout(1_200);
	await shot(page, '09-nodes-panel-actions.png');
}

async function openWorkflow(page: Page, url: string): Promise<void> {
	await page.goto(url, { waitUntil: 'networkidle' });
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 30_000 });
	await dismissPopups(page);
	// Fit the whole workflow in view.
	await page.keyboard.press('1');
	await page.waitForTimeout(800);
}

async function openNode(page: Page, name: string): Promise<void> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).first().dblclick();
	await page.locator('[data-test-id="ndv"]').first().waitFor({ timeout: 15_000 });
	await page.waitForTimeout(1_000);
}

/** Switches the node panel's output to its JSON view and moves the mouse off any tooltip. */
async function showOutputAsJson(page: Page): Promise<void> {
	await page
		.getByText('JSON', { exact: true })
		.last()
		.click({ timeout: 3_000 })
		.catch(() => undefined);
	await page.mouse.move(5, 890);
	await page.waitForTimeout(800);
}

async function dismissPopups(page: Page): Promise<void> {
	for (const label of [/^got it$/i, /^skip$/i, /^dismiss$/i, /^close$/i]) {
		const button = page.getByRole('button', { name: label });
		if (await button.count()) await button.first().click({ timeout: 1_000 }).catch(() => undefined);
	}
	await page.keyboard.press('Escape').catch(() => undefined);
}

async function shot(page: Page, file: string): Promise<void> {
	await page.screenshot({ path: join(OUT_DIR, file) });
	console.log(`  ${file}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
