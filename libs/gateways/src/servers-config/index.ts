export * from './servers-config.types.js';
export { mergeServersConfig, mergeGatewayPatch, serverKey } from './servers-config.merge.js';
export { validateServersConfig, SERVERS_CONFIG_LIMITS, type ServersConfigContext } from './servers-config.validate.js';
export { applyGatewayPatch, validateGatewayPatch, validateServersConfigPatch, type GatewayPatchOutcome } from './gateway.patch.js';
export * from './gateway-identity.js';
export { LOCAL_DETECTORS, DEFAULT_DETECTORS, type LocalDetector } from './guardrail-detectors.js';
