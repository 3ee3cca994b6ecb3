export * from './orgs.module.js';
export * from './orgs.repository.js';
export * from './orgs.service.js';
export * from './slug.js';
