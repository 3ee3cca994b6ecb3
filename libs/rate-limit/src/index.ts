export * from './rate-limit.module.js';
export * from './rate-limit.service.js';
