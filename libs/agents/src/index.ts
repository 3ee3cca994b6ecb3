export * from './agents.module.js';
export * from './agents.repository.js';
export * from './agents.service.js';
