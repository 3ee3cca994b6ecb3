export * from './db.module.js';
export * from './errors.js';
export * from './data-change.feed.js';
export * from './prisma.service.js';
export { Prisma } from './generated/prisma/client.js';
export type * from './generated/prisma/models.js';
export { MemberRole } from './generated/prisma/enums.js';
