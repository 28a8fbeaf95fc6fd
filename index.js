// Package entry for programmatic use: the node and credential classes, and the pure core (status diff → events,
// upload planning, content types, toolpath inspection, printer matching). The classes need n8n-workflow and load
// on first use; the core needs nothing. n8n itself does not read this file: it loads the files under "n8n".
const load = (file) => require(`./dist/${file}`);

const classes = {
	UltimakerDigitalFactory: 'nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node.js',
	UltimakerDigitalFactoryTrigger: 'nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node.js',
	UltimakerDigitalFactoryApi: 'credentials/UltimakerDigitalFactoryApi.credentials.js',
	UltimakerDigitalFactoryOAuth2Api: 'credentials/UltimakerDigitalFactoryOAuth2Api.credentials.js',
};

module.exports = { ...load('nodes/UltimakerDigitalFactory/core.js') };
for (const [name, file] of Object.entries(classes)) {
	Object.defineProperty(module.exports, name, { enumerable: true, get: () => load(file)[name] });
}
