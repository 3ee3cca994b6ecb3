export * from './bullmq-connection.js';
export * from './queues.js';
