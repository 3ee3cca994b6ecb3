export * from './connector-config.js';
export * from './connector-config.codec.js';
export * from './guarded-fetch.js';
export * from './mcp-probe.js';
export * from './postgres-tools.js';
export * from './secret-box.js';
export * from './tool-pinning.js';
export * from './upstream-address.js';
