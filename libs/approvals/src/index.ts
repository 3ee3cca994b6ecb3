export * from './approval.rules.js';
export * from './approval-token.js';
export * from './approval-events.js';
export * from './approvals.repository.js';
export * from './approvals.service.js';
export * from './approvals.module.js';
export * from './approval-notifications.queue.js';
