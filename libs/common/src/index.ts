export * from './errors.js';
export * from './ids.js';
export * from './pagination.js';
export * from './secrets.js';
export * from './repo-root.js';
export * from './batcher.js';
export * from './ttl-cache.js';
export * from './change-feed.js';
