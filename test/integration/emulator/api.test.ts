import { httpRequest, startEmulator } from '../../../emulator';
import type { Emulator } from '../../../emulator';

describe('API surface: envelopes, pagination, filters, errors', () => {
	let emu: Emulator;

	beforeAll(async () => {
		emu = await startEmulator({ port: 0, seed: 'api', speed: 0 });
	});
	afterAll(() => emu.close());

	test('heartbeat has no envelope and needs no token', async () => {
		const reply = await emu.client.api('GET', '/cura/v1', undefined, { token: null });
		expect(reply.status).toBe(200);
		expect(Object.keys(reply.json).sort()).toEqual(['time', 'uptime', 'version']);
		expect(reply.json.time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
	});

	test('GET /cura/v1/jobs pages with absolute links.next built from the Host header, followed to the end', async () => {
		const created: string[] = [];
		for (let i = 0; i < 23; i++) created.push((await emu.client.registerJob({ job_name: `job-${i}`, file_size: 100 + i })).job_id);
		const seen: string[] = [];
		let next: string | null = `${emu.url}/cura/v1/jobs?limit=5`;
		let pages = 0;
		while (next) {
			const reply = await httpRequest('GET', next, { headers: { Authorization: `Bearer ${emu.apiToken}` } });
			expect(reply.status).toBe(200);
			seen.push(...reply.json.data.map((j: any) => j.job_id));
			expect(reply.json.meta.page).toEqual({ total_count: 23, total_pages: 5 });
			next = reply.json.links.next;
			if (next) expect(next.startsWith(emu.url)).toBe(true);
			pages++;
		}
		expect(pages).toBe(5);
		expect(seen.sort()).toEqual([...created].sort());

		// Links use the Host the client used (e.g. localhost instead of 127.0.0.1).
		const port = new URL(emu.url).port;
		const viaLocalhost = await httpRequest('GET', `http://localhost:${port}/cura/v1/jobs?limit=5`, { headers: { Authorization: `Bearer ${emu.apiToken}` } }).catch(() => null);
		if (viaLocalhost) expect(viaLocalhost.json.links.next).toBe(`http://localhost:${port}/cura/v1/jobs?limit=5&page=2`);
		else {
			const withHost = await httpRequest('GET', `${emu.url}/cura/v1/jobs?limit=5`, { headers: { Authorization: `Bearer ${emu.apiToken}`, Host: `emu.test:${port}` } });
			expect(withHost.json.links.next).toBe(`http://emu.test:${port}/cura/v1/jobs?limit=5&page=2`);
		}
		expect((await emu.client.api('GET', '/cura/v1/jobs?limit=0')).status).toBe(422);
		expect((await emu.client.api('GET', '/cura/v1/jobs?limit=abc')).json.errors[0].detail).toContain('limit');
	});

	test('projects: create with PUT, get, list with search and paging, files', async () => {
		const made = await emu.client.api('PUT', '/cura/v1/projects', { data: { display_name: 'Bracket v2' } });
		expect(made.status).toBe(200);
		const id = made.json.data.library_project_id;
		expect(made.json.data.created_at).toMatch(/\.\d{6}Z$/);
		await emu.client.api('PUT', '/cura/v1/projects', { data: { display_name: 'Other' } });
		expect((await emu.client.api('GET', `/cura/v1/projects/${id}`)).json.data.display_name).toBe('Bracket v2');
		const search = await emu.client.api('GET', '/cura/v1/projects?search=bracket');
		expect(search.json.data.map((p: any) => p.library_project_id)).toEqual([id]);
		const paged = await emu.client.api('GET', '/cura/v1/projects?limit=1');
		expect(paged.json.data).toHaveLength(1);
		expect(paged.json.links.next).toContain('page=2');
		const file = await emu.client.api('PUT', '/cura/v1/files/upload', {
			data: { file_name: 'bracket.3mf', file_size: 2048, content_type: 'application/x-cura-project+3mf', library_project_id: id },
		});
		expect(file.status).toBe(200);
		expect(file.json.data).toEqual(expect.objectContaining({ status: 'uploading', file_name: 'bracket.3mf', library_project_id: id }));
		const put = await httpRequest('PUT', file.json.data.upload_url, { headers: { 'Content-Type': 'application/x-cura-project+3mf', 'Content-Length': 2048 }, body: Buffer.alloc(2048) });
		expect(put.status).toBe(200);
		const got = await emu.client.api('GET', `/cura/v1/files/${file.json.data.file_id}`);
		expect(got.json.data.status).toBe('uploaded');
		const files = await emu.client.api('GET', `/cura/v1/projects/${id}/files`);
		expect(files.json.data.map((f: any) => f.file_id)).toEqual([file.json.data.file_id]);
		expect((await emu.client.api('PUT', '/cura/v1/projects', { data: {} })).status).toBe(422);
		expect((await emu.client.api('GET', '/cura/v1/projects/ffffffffffffffffffffffff/files')).status).toBe(404);
	});

	test('the same seed gives the same ids; reset with a seed and farm rebuilds state', async () => {
		const other = await startEmulator({ port: 0, seed: 'api', speed: 0 });
		try {
			expect([...other.state.clusters.keys()]).toEqual([...emu.state.clusters.keys()]);
		} finally {
			await other.close();
		}
		const again = await startEmulator({ port: 0, seed: 'different', speed: 0 });
		try {
			expect([...again.state.clusters.keys()]).not.toEqual([...emu.state.clusters.keys()]);
			const reset = await again.client.controlReply('POST', '/reset', { seed: 'api', farm: [{ printers: [{ type: 'ultimaker_s5' }] }] });
			expect(reset.json.data.clusters).toHaveLength(1);
			expect((await again.client.controlReply('POST', '/reset', { farm: [{ printers: [{ type: 'nope' }] }] })).status).toBe(422);
		} finally {
			await again.close();
		}
	});

	test('feature_budgets', async () => {
		const reply = await emu.client.api('GET', '/cura/v1/feature_budgets');
		expect(reply.json.data.library_max_private_projects).toBe(-1);
	});

	test('clusters: list, status and machine_variant filters (display names), get one', async () => {
		const all = await emu.client.api('GET', '/connect/v1/clusters');
		expect(all.json.data).toHaveLength(4);
		expect(all.json.links).toBeUndefined();
		const s5 = await emu.client.api('GET', '/connect/v1/clusters?machine_variant=Ultimaker%20S5');
		expect(s5.json.data).toHaveLength(2);
		expect(s5.json.data.every((c: any) => c.printer_type === 'ultimaker_s5' && c.host_printer.machine_variant === 'Ultimaker S5')).toBe(true);
		expect((await emu.client.api('GET', '/connect/v1/clusters?machine_variant=MakerBot%20Method%20XL')).json.data).toHaveLength(1);
		expect((await emu.client.api('GET', '/connect/v1/clusters?status=active')).json.data).toHaveLength(4);
		expect((await emu.client.api('GET', '/connect/v1/clusters?status=inactive')).json.data).toHaveLength(0);
		expect((await emu.client.api('GET', '/connect/v1/clusters?status=bogus')).status).toBe(422);
		const id: string = all.json.data[0].cluster_id;
		expect(id).toMatch(/=$/);
		const one = await emu.client.api('GET', `/connect/v1/clusters/${encodeURIComponent(id)}`);
		expect(one.json.data.cluster_id).toBe(id);
		const raw = await emu.client.api('GET', `/connect/v1/clusters/${id}/status`);
		expect(raw.status).toBe(200);
		expect(Object.keys(raw.json.data).sort()).toEqual(['generated_time', 'print_jobs', 'printers']);
		expect(raw.json.data.printers[0].configuration[0]).toEqual(
			expect.objectContaining({ extruder_index: 0, print_core_id: 'AA 0.4', material: expect.objectContaining({ material: 'PLA', guid: '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9' }) }),
		);
	});

	test('401 without or with an unknown token, 403 tokenExpired for an expired one', async () => {
		const none = await emu.client.api('GET', '/connect/v1/clusters', undefined, { token: null });
		expect(none.status).toBe(401);
		expect(none.json.errors[0]).toEqual(expect.objectContaining({ code: 'unauthorized', http_status: '401' }));
		expect((await emu.client.api('GET', '/connect/v1/clusters', undefined, { token: 'umapi-nope|main' })).status).toBe(401);
		const expired = await emu.client.api('GET', '/connect/v1/clusters', undefined, { token: emu.expiredToken });
		expect(expired.status).toBe(403);
		expect(expired.json.errors[0]).toEqual(expect.objectContaining({ code: 'tokenExpired', http_status: '403' }));
		// Tokens can be added and expired through the control API.
		await emu.client.controlReply('POST', '/tokens', { token: 'umapi-added|main' });
		expect((await emu.client.api('GET', '/connect/v1/clusters', undefined, { token: 'umapi-added|main' })).status).toBe(200);
		await emu.client.controlReply('POST', '/tokens', { token: 'umapi-added|main', expired: true });
		expect((await emu.client.api('GET', '/connect/v1/clusters', undefined, { token: 'umapi-added|main' })).status).toBe(403);
	});

	test.each([
		['malformed JSON', 'PUT', '/cura/v1/jobs/upload', '{"data": ', 400, 'badRequest', 'JSON'],
		['no data wrapper', 'PUT', '/cura/v1/jobs/upload', { job_name: 'x' }, 422, 'validationError', 'data'],
		['missing file_size', 'PUT', '/cura/v1/jobs/upload', { data: { job_name: 'x', content_type: 'text/plain' } }, 422, 'validationError', 'file_size'],
		['zero file_size', 'PUT', '/cura/v1/jobs/upload', { data: { job_name: 'x', file_size: 0, content_type: 'text/plain' } }, 422, 'validationError', 'file_size'],
		['bad content_type', 'PUT', '/cura/v1/jobs/upload', { data: { job_name: 'x', file_size: 1, content_type: 'model/stl' } }, 422, 'validationError', 'content_type'],
		['origin with a path', 'PUT', '/cura/v1/jobs/upload', { data: { job_name: 'x', file_size: 1, content_type: 'text/plain', origin: 'https://a.example/x' } }, 422, 'validationError', 'origin'],
		['empty job_name', 'PUT', '/cura/v1/jobs/upload', { data: { job_name: ' ', file_size: 1, content_type: 'text/plain' } }, 422, 'validationError', 'job_name'],
		['unknown project', 'PUT', '/cura/v1/jobs/upload', { data: { job_name: 'x', file_size: 1, content_type: 'text/plain', library_project_id: 'nope' } }, 404, 'notFound', 'nope'],
		['unknown job', 'GET', '/cura/v1/jobs/AAAA-_=', undefined, 404, 'notFound', 'AAAA-_='],
		['unknown cluster', 'GET', '/connect/v1/clusters/abc%3D/status', undefined, 404, 'notFound', 'abc='],
		['id with encoded slash', 'GET', '/connect/v1/clusters/..%2Fclusters/status', undefined, 404, 'notFound', '../clusters'],
		['unknown route', 'GET', '/connect/v1/nothing', undefined, 404, 'notFound', '/connect/v1/nothing'],
		['wrong method', 'DELETE', '/connect/v1/clusters', undefined, 405, 'methodNotAllowed', 'DELETE'],
	])('%s (%s %s)', async (_name, method, path, body, status, code, detailPart) => {
		const reply = await emu.client.api(method, path, body);
		expect(reply.status).toBe(status);
		expect(reply.json.errors[0]).toEqual(expect.objectContaining({ code, http_status: String(status), id: expect.any(String), title: expect.any(String) }));
		expect(reply.json.errors[0].detail).toContain(detailPart);
	});
});
