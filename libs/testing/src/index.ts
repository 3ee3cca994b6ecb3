export * from './factories.js';
export * from './test-app.js';
export * from './upstreams.js';
export * from './test-database.js';
export * from './mcp-client.js';
export * from './approval-links.js';
export * from './tcp-proxy.js';
export * from './api-process.js';
