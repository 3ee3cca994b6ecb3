import { Injectable } from '@nestjs/common';
import { toPage, type Page } from '@gatehouse/common';
import { AdminAuditRepository, type AdminAuditEvent } from './admin-audit.repository.js';

export interface AuditActor {
  type: string;
  id: string;
}

export type AdminAction = 'create' | 'update' | 'delete' | 'rotate' | 'disable' | 'enable' | 'approve' | 'deny' | 'revoke';

/** Control-plane audit trail: who changed which resource, and when. */
@Injectable()
export class AdminAuditService {
  constructor(private readonly repo: AdminAuditRepository) {}

  async record(orgId: string | null, actor: AuditActor, action: AdminAction, resourceType: string, resourceId: string): Promise<void> {
    await this.repo.insert({
      orgId,
      actorType: actor.type,
      actorId: actor.id,
      action: `${resourceType}.${action}`,
      resourceType,
      resourceId,
      requestId: null,
    });
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Page<AdminAuditEvent>> {
    return toPage(await this.repo.listForOrg(orgId, limit, cursor), limit);
  }
}
