/** The host_guid → cluster resolution (pure part): the locator's `host` mode and the trigger's selected ids. */
import { clusterByHost, resolveSelected, unknownHostProblem } from '../../../nodes/UltimakerDigitalFactory/core/status/identity';
import type { ApiCluster } from '../../../nodes/UltimakerDigitalFactory/core/status/model';

const cluster = (cluster_id: string, host_guid: string, friendly_name = `Printer ${cluster_id}`): ApiCluster => ({ cluster_id, host_guid, friendly_name });
const listed = [cluster('c1', 'aaaa-1111'), cluster('c2', 'bbbb-2222')];

describe('clusterByHost', () => {
	it('finds the cluster whose host printer carries the GUID (case and spaces aside)', () => {
		expect(clusterByHost(listed, 'bbbb-2222')?.cluster_id).toBe('c2');
		expect(clusterByHost(listed, ' BBBB-2222 ')?.cluster_id).toBe('c2');
		expect(clusterByHost(listed, 'cccc')).toBeUndefined();
		expect(clusterByHost(listed, '')).toBeUndefined();
	});
});

describe('unknownHostProblem', () => {
	it('names the GUID and the clusters the account has', () => {
		const { message, description } = unknownHostProblem('cccc-3333', listed);
		expect(message).toContain('cccc-3333');
		expect(description).toContain('Printer c1 (host aaaa-1111)');
		expect(description).toContain('Printer c2 (host bbbb-2222)');
	});
	it('says so when there are none, and shortens long lists', () => {
		expect(unknownHostProblem('x', []).description).toContain('no active clusters');
		const many = Array.from({ length: 14 }, (_, i) => cluster(`c${i}`, `g${i}`));
		expect(unknownHostProblem('x', many).description).toContain('and 4 more');
	});
});

describe('resolveSelected (the trigger)', () => {
	const ids = (resolved: ReturnType<typeof resolveSelected>) => resolved.map((entry) => ('cluster' in entry ? `listed:${entry.cluster.cluster_id}` : `known:${entry.known.cluster_id}`));

	it('takes cluster_ids and host_guids, each cluster once', () => {
		expect(ids(resolveSelected(['c1', 'bbbb-2222', 'aaaa-1111'], listed, []))).toEqual(['listed:c1', 'listed:c2']);
	});
	it('follows a cluster_id no longer listed to the cluster carrying its remembered host_guid', () => {
		const known = [{ cluster_id: 'old', friendly_name: 'Lab', host_guid: 'bbbb-2222' }];
		expect(ids(resolveSelected(['old'], listed, known))).toEqual(['listed:c2']);
	});
	it('follows a cluster_id the trigger remembers as a former id of a cluster', () => {
		const known = [{ cluster_id: 'c2', friendly_name: 'Lab', host_guid: 'bbbb-2222', former_ids: ['old'] }];
		expect(ids(resolveSelected(['old'], listed, known))).toEqual(['listed:c2']);
		expect(ids(resolveSelected(['old'], undefined, known))).toEqual(['known:c2']);
	});
	it('without a list, uses the remembered clusters (by id or by host)', () => {
		const known = [{ cluster_id: 'old', friendly_name: 'Lab', host_guid: 'bbbb-2222' }];
		expect(ids(resolveSelected(['old', 'bbbb-2222', 'zzz'], undefined, known))).toEqual(['known:old', 'known:zzz']);
	});
	it('keeps an id that matches nothing as it is (its status read decides)', () => {
		expect(resolveSelected(['nope'], listed, [])).toEqual([{ known: { cluster_id: 'nope', friendly_name: null } }]);
	});
});
