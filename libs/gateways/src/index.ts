export * from './gateways.module.js';
export * from './gateways.repository.js';
export * from './gateways.service.js';
export * from './json-diff.js';
export * from './servers-config/index.js';
