/**
 * The example workflows use only what the nodes have: every Ultimaker node names an existing resource/operation
 * and parameters that operation shows, and the trigger only its own parameters, option names and event names.
 * (n8n silently drops unknown parameters on import, so a typo would only show as a wrong default at run time.)
 */
import type { INodeProperties } from 'n8n-workflow';

import { findOperation } from '../../../nodes/UltimakerDigitalFactory/actions/router';
import { TRIGGER_EVENT_NAMES } from '../../../nodes/UltimakerDigitalFactory/core/events/names';
import { UltimakerDigitalFactory } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node';
import { UltimakerDigitalFactoryTrigger } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node';
import { listExampleFiles, loadExample } from '../../../scripts/lib/workflows';

const action = new UltimakerDigitalFactory().description.properties;
const trigger = new UltimakerDigitalFactoryTrigger().description.properties;

function shownFor(resource: string, operation: string): Set<string> {
	const names = action
		.filter((property: INodeProperties) => {
			const show = property.displayOptions?.show;
			const resources = show?.resource as string[] | undefined;
			const operations = show?.operation as string[] | undefined;
			return (!resources || resources.includes(resource)) && (!operations || operations.includes(operation));
		})
		.map((property) => property.name);
	return new Set(names);
}

const examples = listExampleFiles();

test('the example workflows', () => {
	expect(examples).toEqual([
		'1-erp-order-to-print.json',
		'2-file-drop-to-print.json',
		'3-morning-farm-report.json',
		'4-notify-on-finish-or-failure.json',
		'5-one-file-to-three-printers.json',
		'6-lan-snapshot-on-failure.json',
		'7-weekly-farm-report.json',
	]);
});

describe.each(examples)('%s', (file) => {
	const workflow = loadExample(file);

	it('Ultimaker action nodes name existing operations and only parameters those operations have', () => {
		for (const node of workflow.nodes.filter((candidate) => candidate.type === 'n8n-nodes-ultimaker.ultimakerDigitalFactory')) {
			const { resource, operation, ...rest } = node.parameters as Record<string, unknown>;
			expect(findOperation(String(resource), String(operation))).toBeDefined();
			const known = shownFor(String(resource), String(operation));
			expect(Object.keys(rest).filter((name) => !known.has(name))).toEqual([]);
		}
	});

	it('trigger nodes use the trigger’s parameters, options and event names', () => {
		for (const node of workflow.nodes.filter((candidate) => candidate.type === 'n8n-nodes-ultimaker.ultimakerDigitalFactoryTrigger')) {
			const { pollTimes, options = {}, events = [], ...rest } = node.parameters as Record<string, any>;
			expect(pollTimes).toBeDefined();
			expect(Object.keys(rest).filter((name) => !trigger.some((property) => property.name === name))).toEqual([]);
			const optionNames = (trigger.find((property) => property.name === 'options')!.options as INodeProperties[]).map((option) => option.name);
			expect(Object.keys(options).filter((name) => !optionNames.includes(name))).toEqual([]);
			expect((events as string[]).filter((name) => !(TRIGGER_EVENT_NAMES as readonly string[]).includes(name))).toEqual([]);
		}
	});

	it('every connection joins nodes that exist', () => {
		const names = new Set(workflow.nodes.map((node) => node.name));
		for (const [from, outputs] of Object.entries(workflow.connections)) {
			expect(names.has(from)).toBe(true);
			for (const link of outputs.main.flat()) expect(names.has(link.node)).toBe(true);
		}
	});
});
