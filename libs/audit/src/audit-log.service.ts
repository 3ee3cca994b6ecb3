import { Injectable } from '@nestjs/common';
import { toPage, type Page } from '@gatehouse/common';
import { AuditLogRepository, type AuditEntry, type AuditFilter } from './audit-log.repository.js';

const EXPORT_BATCH = 1000;
const RETENTION_CHUNK = 5000;

@Injectable()
export class AuditLogService {
  constructor(private readonly repo: AuditLogRepository) {}

  async list(orgId: string, filter: AuditFilter, limit: number): Promise<Page<AuditEntry>> {
    return toPage(await this.repo.list(orgId, filter, limit), limit);
  }

  /** Every matching entry, newest first, in batches (keyset pagination: constant memory). */
  async *stream(orgId: string, filter: AuditFilter): AsyncGenerator<AuditEntry[]> {
    let cursor = filter.cursor;
    for (;;) {
      const rows = await this.repo.list(orgId, { ...filter, cursor }, EXPORT_BATCH);
      const batch = rows.slice(0, EXPORT_BATCH);
      if (batch.length) yield batch;
      if (rows.length <= EXPORT_BATCH) return;
      cursor = batch[batch.length - 1].id;
    }
  }

  /** Every org's retention, enforced; returns the number of entries deleted. */
  async enforceAllRetention(now = new Date()): Promise<number> {
    let total = 0;
    for (const org of await this.repo.retentionByOrg()) total += await this.enforceRetention(org.id, org.auditRetentionDays, now);
    return total;
  }

  /** Deletes an org's entries older than its retention, in bounded chunks. */
  async enforceRetention(orgId: string, retentionDays: number, now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - retentionDays * 86_400_000);
    let total = 0;
    for (;;) {
      const n = await this.repo.deleteOlderThan(orgId, before, RETENTION_CHUNK);
      total += n;
      if (n < RETENTION_CHUNK) return total;
    }
  }
}
