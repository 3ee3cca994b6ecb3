import { Injectable } from '@nestjs/common';
import { PrismaService } from '@gatehouse/db';
import { newId } from '@gatehouse/common';

export interface AdminAuditEvent {
  id: string;
  orgId: string | null;
  actorType: string;
  actorId: string;
  action: string;
  resourceType: string;
  resourceId: string;
  requestId: string | null;
  createdAt: Date;
}

export type NewAdminAuditEvent = Omit<AdminAuditEvent, 'id' | 'createdAt'>;

@Injectable()
export class AdminAuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(event: NewAdminAuditEvent): Promise<void> {
    await this.prisma.adminAuditEvent.create({ data: { id: newId('evt'), ...event } });
  }

  async listForOrg(orgId: string, limit: number, cursor?: string): Promise<AdminAuditEvent[]> {
    return this.prisma.adminAuditEvent.findMany({
      where: { orgId, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
  }
}
