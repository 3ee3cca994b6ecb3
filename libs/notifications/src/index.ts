export * from './webhook-signature.js';
export * from './approval-payload.js';
export * from './channel-secret.js';
export * from './notification-channels.repository.js';
export * from './notification-channels.service.js';
export * from './approval-delivery.service.js';
export * from './notifications.module.js';
export * from './channel-url.js';
