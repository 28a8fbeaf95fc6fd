/**
 * The Node-RED nodes (DESIGN.md §12): the config node (connection.ts), five nodes that each run one shared
 * operation per message (operations.ts through operationNode.ts) and the events node (eventsNode.ts). What is
 * host-specific lives in these files: reading msg fields, status dots, node.error(message, msg), timers and
 * context storage.
 */
import { registerConnection, registerPairing } from './connection';
import { eventsNode } from './eventsNode';
import { operationNode } from './operationNode';
import { OPERATION_NODES } from './operations';
import type { NodeConfig, Red, RedNode } from './red';

export = function register(RED: Red): void {
	registerConnection(RED);
	registerPairing(RED);
	for (const [type, specFor] of Object.entries(OPERATION_NODES)) {
		RED.nodes.registerType(type, function (this: RedNode, config: NodeConfig) {
			RED.nodes.createNode(this, config);
			operationNode(RED, this, config, specFor(config));
		});
	}
	RED.nodes.registerType('ultimaker-events', function (this: RedNode, config: NodeConfig) {
		RED.nodes.createNode(this, config);
		eventsNode(RED, this, config);
	});
};
