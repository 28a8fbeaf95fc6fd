/** knownClusters: the clusters a saved trigger state remembers, read through memory.ts instead of its short keys. */
import { emptyState, knownClusters } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { NextCluster, saveState } from '../../../nodes/UltimakerDigitalFactory/core/events/memory';

test('lists every saved cluster with its saved name, ids decoded', () => {
	const state = saveState(
		new Map([
			['c-1', new NextCluster('Lab', null)],
			['__proto__', new NextCluster(null, null)],
			['~tilde', new NextCluster('Tilde', null)],
		]),
	);
	expect(knownClusters(state)).toEqual([
		{ cluster_id: 'c-1', friendly_name: 'Lab', host_guid: null, former_ids: [] },
		{ cluster_id: '__proto__', friendly_name: null, host_guid: null, former_ids: [] },
		{ cluster_id: '~tilde', friendly_name: 'Tilde', host_guid: null, former_ids: [] },
	]);
});

test('a cluster followed by its host_guid is listed with it and its former ids', () => {
	const next = new NextCluster('Lab', null, undefined, 'G');
	next.formerIds = ['old'];
	expect(knownClusters(saveState(new Map([['new', next]])))).toEqual([{ cluster_id: 'new', friendly_name: 'Lab', host_guid: 'G', former_ids: ['old'] }]);
});

test('no state, an empty one, or a damaged one knows no clusters (or no name)', () => {
	expect(knownClusters(undefined)).toEqual([]);
	expect(knownClusters(emptyState())).toEqual([]);
	expect(knownClusters({ v: 1, c: { a: null } } as never)).toEqual([{ cluster_id: 'a', friendly_name: null, host_guid: null, former_ids: [] }]);
});
