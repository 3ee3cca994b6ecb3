export * from './servers-config/index.js';
