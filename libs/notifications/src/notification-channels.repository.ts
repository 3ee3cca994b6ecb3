import { Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaService } from '@gatehouse/db';
import type { ApprovalDeliveryAttempt } from '@gatehouse/approvals';
import { ConflictError, newId } from '@gatehouse/common';

export type ChannelType = 'webhook' | 'slack';
export const CHANNEL_TYPES: readonly ChannelType[] = ['webhook', 'slack'];

export interface NotificationChannel {
  id: string;
  orgId: string;
  name: string;
  type: ChannelType;
  url: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Only the delivery path ever reads the sealed secret. */
export interface SealedChannel extends NotificationChannel {
  secretEnc: string;
}

export interface ChannelChanges {
  name?: string;
  type?: ChannelType;
  url?: string;
  enabled?: boolean;
}

/** One attempt as written (the approval's view of it is ApprovalDeliveryAttempt). */
export type DeliveryAttempt = Omit<ApprovalDeliveryAttempt, 'id' | 'createdAt'> & { approvalId: string };

const PUBLIC = { id: true, orgId: true, name: true, type: true, url: true, enabled: true, createdAt: true, updatedAt: true } as const;

const taken = (name: string) => new ConflictError('notification_channel_name_taken', `A notification channel named "${name}" already exists`);

@Injectable()
export class NotificationChannelsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(orgId: string, c: { id: string; name: string; type: ChannelType; url: string; enabled: boolean; secretEnc: string }): Promise<NotificationChannel> {
    try {
      return await this.prisma.notificationChannel.create({ data: { ...c, orgId }, select: PUBLIC });
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(c.name);
      throw err;
    }
  }

  async findById(orgId: string, id: string): Promise<NotificationChannel | null> {
    return this.prisma.notificationChannel.findFirst({ where: { id, orgId }, select: PUBLIC });
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<NotificationChannel[]> {
    return this.prisma.notificationChannel.findMany({
      where: { orgId, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
      select: PUBLIC,
    });
  }

  /** Null when the channel is not in this org. */
  async update(orgId: string, id: string, changes: ChannelChanges & { secretEnc?: string }): Promise<NotificationChannel | null> {
    try {
      const { count } = await this.prisma.notificationChannel.updateMany({ where: { id, orgId }, data: changes });
      return count === 1 ? this.findById(orgId, id) : null;
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(changes.name ?? '');
      throw err;
    }
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.notificationChannel.deleteMany({ where: { id, orgId } });
    return count === 1;
  }

  async enabledChannels(orgId: string): Promise<SealedChannel[]> {
    return this.prisma.notificationChannel.findMany({ where: { orgId, enabled: true }, orderBy: { id: 'asc' } });
  }

  /** Channels this approval has already reached: a retry skips them. */
  async deliveredChannelIds(approvalId: string): Promise<Set<string>> {
    const rows = await this.prisma.approvalDelivery.findMany({ where: { approvalId, outcome: 'delivered' }, select: { channelId: true }, distinct: ['channelId'] });
    return new Set(rows.map((r) => r.channelId));
  }

  async recordAttempts(attempts: DeliveryAttempt[]): Promise<void> {
    if (!attempts.length) return;
    await this.prisma.approvalDelivery.createMany({ data: attempts.map((a) => ({ id: newId('dlv'), ...a })) });
  }
}
