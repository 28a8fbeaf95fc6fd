// Types of index.js: the node and credential classes, and the pure core.
export { UltimakerDigitalFactory } from './dist/nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node';
export { UltimakerDigitalFactoryTrigger } from './dist/nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node';
export { UltimakerDigitalFactoryApi } from './dist/credentials/UltimakerDigitalFactoryApi.credentials';
export { UltimakerDigitalFactoryOAuth2Api } from './dist/credentials/UltimakerDigitalFactoryOAuth2Api.credentials';
export { UltimakerLocalNetworkApi } from './dist/credentials/UltimakerLocalNetworkApi.credentials';
export * from './dist/nodes/UltimakerDigitalFactory/core';
