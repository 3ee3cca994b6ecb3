export * from './call-pipeline.service.js';
export * from './check.service.js';
export * from './circuit-breaker.js';
export * from './database-pool.js';
export * from './dataplane.module.js';
export * from './mcp-session.store.js';
export * from './tool-catalog.service.js';
export * from './upstream-pool.js';
