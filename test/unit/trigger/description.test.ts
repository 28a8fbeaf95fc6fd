/** The trigger's public contract: names, defaults and options that workflows depend on. */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { UltimakerDigitalFactoryTrigger } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node';
import { TRIGGER_EVENT_NAMES } from '../../../nodes/UltimakerDigitalFactory/core/events';

const description = new UltimakerDigitalFactoryTrigger().description;
const property = (name: string) => description.properties.find((candidate) => candidate.name === name) as INodeProperties;
const values = (prop: INodeProperties) => (prop.options as INodePropertyOptions[]).map((option) => option.value);

describe('trigger description (contract)', () => {
	it('is a polling trigger named as in the design', () => {
		expect(description).toMatchObject({
			name: 'ultimakerDigitalFactoryTrigger',
			displayName: 'Ultimaker Digital Factory Trigger',
			polling: true,
			group: ['trigger'],
			inputs: [],
		});
		expect(description.properties.map((prop) => prop.name)).not.toContain('pollTimes'); // n8n adds it
	});

	it('offers both credentials, switched by `authentication`', () => {
		expect(values(property('authentication'))).toEqual(['apiToken', 'oAuth2', 'localNetwork']);
		expect(property('authentication').default).toBe('apiToken');
		expect(description.credentials).toEqual([
			{ name: 'ultimakerDigitalFactoryApi', required: true, displayOptions: { show: { authentication: ['apiToken'] } } },
			{ name: 'ultimakerDigitalFactoryOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
			{ name: 'ultimakerLocalNetworkApi', required: true, displayOptions: { show: { authentication: ['localNetwork'] } } },
		]);
	});

	it('has clusterScope (all by default) and clusterIds shown for selected', () => {
		expect(values(property('clusterScope'))).toEqual(['all', 'selected']);
		expect(property('clusterScope').default).toBe('all');
		expect(property('clusterIds')).toMatchObject({
			type: 'multiOptions',
			default: [],
			typeOptions: { loadOptionsMethod: 'getClusters' },
			displayOptions: { show: { clusterScope: ['selected'] } },
		});
		expect(typeof new UltimakerDigitalFactoryTrigger().methods.loadOptions.getClusters).toBe('function');
	});

	it('lets the user pick exactly the 16 contract events (empty = all)', () => {
		expect(property('events')).toMatchObject({ type: 'multiOptions', default: [] });
		expect([...values(property('events'))].sort()).toEqual([...TRIGGER_EVENT_NAMES].sort());
		expect(TRIGGER_EVENT_NAMES).toHaveLength(16);
		expect(TRIGGER_EVENT_NAMES).toContain('job.progress');
	});

	it('has the options offlineAfterMissedPolls (3), emitOnFirstPoll (false), includeSnapshot (false), progressMilestones ("")', () => {
		const options = property('options').options as INodeProperties[];
		const byName = Object.fromEntries(options.map((option) => [option.name, option.default]));
		expect(byName).toEqual({ offlineAfterMissedPolls: 3, emitOnFirstPoll: false, includeSnapshot: false, progressMilestones: '' });
	});
});
