/** The OAuth2 credential's hidden fields, resolved by n8n's own expression engine (as n8n does when it starts the flow). */
import { UltimakerDigitalFactory } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node';
import { createExecuteContext } from '../../helpers/n8nContext';

async function resolved(data: Record<string, string>) {
	const { context } = createExecuteContext({
		nodeType: new UltimakerDigitalFactory(),
		parameters: { authentication: 'oAuth2', resource: 'cluster', operation: 'getMany' },
		credentials: { ultimakerDigitalFactoryOAuth2Api: data },
	});
	return await context.getCredentials('ultimakerDigitalFactoryOAuth2Api');
}

test('defaults: account.ultimaker.com endpoints, no workspace parameter', async () => {
	const credentials = await resolved({ clientId: 'c', clientSecret: 's' });
	expect(credentials.authUrl).toBe('https://account.ultimaker.com/authorize');
	expect(credentials.accessTokenUrl).toBe('https://account.ultimaker.com/token');
	expect(credentials.authQueryParameters).toBe('');
	expect(credentials.grantType).toBe('authorizationCode');
	expect(credentials.baseUrl).toBe('https://api.ultimaker.com');
});

test('accountUrl (trailing slash tolerated) and organizationId → organization_id', async () => {
	const credentials = await resolved({ clientId: 'c', clientSecret: 's', accountUrl: 'http://127.0.0.1:8787/', organizationId: 'ws 1&x' });
	expect(credentials.authUrl).toBe('http://127.0.0.1:8787/authorize');
	expect(credentials.accessTokenUrl).toBe('http://127.0.0.1:8787/token');
	expect(credentials.authQueryParameters).toBe('organization_id=ws%201%26x');
});
