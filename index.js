// Package entry for programmatic use (tests, other tooling): the node and credential classes, from dist.
// n8n itself does not read this file; it loads the files listed under package.json "n8n".
const load = (file, name) => require(`./dist/${file}`)[name];

module.exports = {
	UltimakerDigitalFactory: load('nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node.js', 'UltimakerDigitalFactory'),
	UltimakerDigitalFactoryTrigger: load(
		'nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node.js',
		'UltimakerDigitalFactoryTrigger',
	),
	UltimakerDigitalFactoryApi: load('credentials/UltimakerDigitalFactoryApi.credentials.js', 'UltimakerDigitalFactoryApi'),
	UltimakerDigitalFactoryOAuth2Api: load(
		'credentials/UltimakerDigitalFactoryOAuth2Api.credentials.js',
		'UltimakerDigitalFactoryOAuth2Api',
	),
};
