/**
 * The config node `ultimaker-connection` (DESIGN.md §12): Digital Factory (base URL + API token) or the printers'
 * own API on the local network (host + pairing id and key). Secrets live only in Node-RED's credential store; they
 * reach the shared code as the n8n credential it reads (cloud: `ultimakerDigitalFactoryApi`, local:
 * `ultimakerLocalNetworkApi`), which checks them and cleans them out of every output and error.
 */
import type { NodeConfig, Red, RedNode } from './red';
import { text } from './red';
import { errorDetails, runOperation } from './run';

export const DEFAULT_BASE_URL = 'https://api.ultimaker.com';

interface ConnectionNode extends RedNode {
	connection: 'cloud' | 'localNetwork';
	baseUrl: string;
	host: string;
}

/** What a node hands the shared code: the n8n `authentication` value and the credential behind it. */
export interface ConnectionSettings {
	authentication: 'apiToken' | 'localNetwork';
	credentials: Record<string, Record<string, unknown>>;
}

export function registerConnection(RED: Red): void {
	RED.nodes.registerType(
		'ultimaker-connection',
		function (this: RedNode, config: NodeConfig) {
			RED.nodes.createNode(this, config);
			const node = this as ConnectionNode;
			node.name = text(config.name);
			node.connection = config.connection === 'localNetwork' ? 'localNetwork' : 'cloud';
			node.baseUrl = text(config.baseUrl) || DEFAULT_BASE_URL;
			node.host = text(config.host);
		},
		{ credentials: { apiToken: { type: 'password' }, authId: { type: 'text' }, authKey: { type: 'password' } } },
	);
}

/** The config node a node's `connection` setting names, or null. */
export function connectionNode(RED: Red, config: NodeConfig): ConnectionNode | null {
	return RED.nodes.getNode(String(config.connection ?? '')) as ConnectionNode | null;
}

/** A printer group's host and pairing as the shared code's local network credential (empty id and key: unpaired). */
function localNetworkSettings(host: string, authId: string, authKey: string): ConnectionSettings {
	// The shared credential reader checks the host (local addresses only) and that id and key come as a pair.
	return { authentication: 'localNetwork', credentials: { ultimakerLocalNetworkApi: { host, authId, authKey } } };
}

/** The config node's values as the shared code's authentication and credential, or the reason there is none. */
export function connectionSettings(connection: ConnectionNode | null): ConnectionSettings {
	if (!connection) throw new Error('No Ultimaker connection: pick or add one in the node\'s "Connection" field');
	if (connection.connection === 'localNetwork') {
		return localNetworkSettings(connection.host, connection.credentials?.authId ?? '', connection.credentials?.authKey ?? '');
	}
	return {
		authentication: 'apiToken',
		credentials: {
			ultimakerDigitalFactoryApi: { apiToken: connection.credentials?.apiToken ?? '', baseUrl: connection.baseUrl || DEFAULT_BASE_URL, origin: '' },
		},
	};
}

/**
 * `POST /ultimaker-connection/pair` `{ host, user }` on Node-RED's admin API, for the config node's *Pair with
 * printer* button: the n8n node's *Pair with Printer* operation (it asks the printer, waits up to 120 s for *Allow*
 * on its screen) → `{ id, key, status }`; the editor puts id and key into the credential fields. Errors: 400 with
 * the operation's words (`{ message, description }`). Needs the connection's write permission.
 */
export function registerPairing(RED: Red): void {
	if (!RED.httpAdmin) return;
	const permission = RED.auth?.needsPermission('ultimaker-connection.write');
	RED.httpAdmin.post('/ultimaker-connection/pair', ...(permission ? [permission] : []), (req, res) => {
		const { authentication, credentials } = localNetworkSettings(text(req.body?.host), '', '');
		runOperation('localNetwork', 'pair', {
			node: { id: 'ultimaker-connection-pairing', name: 'Pair with printer', type: 'ultimaker-connection' },
			parameters: { authentication, application: 'Node-RED', user: text(req.body?.user), timeoutSeconds: 120 },
			credentials,
		}).then(
			([result]) => res.json(result?.json ?? {}),
			(error: unknown) => res.status(400).json(errorDetails(error)),
		);
	});
}
