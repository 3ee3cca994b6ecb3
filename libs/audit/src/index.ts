export * from './admin-audit.repository.js';
export * from './admin-audit.service.js';
export * from './audit.module.js';
export * from './audit-log.repository.js';
export * from './audit-log.writer.js';
export * from './audit-log.service.js';
export * from './held-connection.js';
