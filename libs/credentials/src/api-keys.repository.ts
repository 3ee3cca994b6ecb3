import { Injectable } from '@nestjs/common';
import { isRecordNotFound, PrismaService } from '@gatehouse/db';
import { NotFoundError } from '@gatehouse/common';

export interface ApiKey {
  id: string;
  orgId: string;
  name: string;
  prefix: string;
  scopes: string[];
  memberId: string | null;
  agentId: string | null;
  policyId: string | null;
  gatewayId: string | null;
  expiresAt: Date | null;
  previousExpiresAt: Date | null;
  disabled: boolean;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

/** What authentication needs, found by secret hash. */
export interface ApiKeyAuthRecord {
  id: string;
  orgId: string;
  orgSlug: string;
  scopes: string[];
  memberId: string | null;
  agentId: string | null;
  policyId: string | null;
  gatewayId: string | null;
  disabled: boolean;
  /** Epoch ms after which the secret presented is no longer valid, or null. */
  validUntil: number | null;
}

export interface NewApiKey {
  id: string;
  name: string;
  prefix: string;
  secretHash: string;
  scopes: string[];
  memberId: string | null;
  agentId: string | null;
  policyId: string | null;
  gatewayId: string | null;
  expiresAt: Date | null;
  createdBy: string;
}

const PUBLIC_FIELDS = {
  id: true, orgId: true, name: true, prefix: true, scopes: true, memberId: true, agentId: true, policyId: true, gatewayId: true,
  expiresAt: true, previousExpiresAt: true, disabled: true, lastUsedAt: true, createdAt: true, updatedAt: true,
  createdBy: true, updatedBy: true,
} as const;

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(orgId: string, key: NewApiKey): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: { ...key, orgId, updatedBy: key.createdBy }, select: PUBLIC_FIELDS });
  }

  async findById(orgId: string, id: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findFirst({ where: { id, orgId }, select: PUBLIC_FIELDS });
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({
      where: { orgId, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
      select: PUBLIC_FIELDS,
    });
  }

  async update(
    orgId: string,
    id: string,
    data: Partial<Pick<ApiKey, 'name' | 'scopes' | 'expiresAt' | 'disabled' | 'agentId' | 'policyId' | 'gatewayId'>> & { updatedBy: string },
  ): Promise<ApiKey> {
    try {
      return await this.prisma.apiKey.update({ where: { id, orgId }, data, select: PUBLIC_FIELDS });
    } catch (err) {
      if (isRecordNotFound(err)) throw new NotFoundError('api_key', id);
      throw err;
    }
  }

  /** Swaps in a new secret; the old one stays valid until `previousExpiresAt` (null: dies now). */
  async rotate(orgId: string, id: string, secretHash: string, prefix: string, previousExpiresAt: Date | null, actor: string): Promise<ApiKey> {
    return this.prisma.$transaction(async (tx) => {
      const current = await tx.apiKey.findFirst({ where: { id, orgId }, select: { secretHash: true } });
      if (!current) throw new NotFoundError('api_key', id);
      return tx.apiKey.update({
        where: { id, orgId },
        data: {
          secretHash,
          prefix,
          previousSecretHash: previousExpiresAt ? current.secretHash : null,
          previousExpiresAt,
          updatedBy: actor,
        },
        select: PUBLIC_FIELDS,
      });
    });
  }

  async delete(orgId: string, id: string): Promise<void> {
    const { count } = await this.prisma.apiKey.deleteMany({ where: { id, orgId } });
    if (count === 0) throw new NotFoundError('api_key', id);
  }

  /** Not tenant-scoped on purpose: the secret is what identifies the tenant. */
  async findForAuthentication(secretHash: string): Promise<ApiKeyAuthRecord | null> {
    const row = await this.prisma.apiKey.findFirst({
      where: { OR: [{ secretHash }, { previousSecretHash: secretHash }] },
      select: {
        id: true, orgId: true, scopes: true, memberId: true, agentId: true, policyId: true, gatewayId: true, disabled: true,
        expiresAt: true, secretHash: true, previousExpiresAt: true, org: { select: { slug: true } },
      },
    });
    if (!row) return null;
    const matchedPrevious = row.secretHash !== secretHash;
    const limits = [row.expiresAt?.getTime() ?? null, matchedPrevious ? (row.previousExpiresAt?.getTime() ?? 0) : null];
    const finite = limits.filter((v): v is number => v !== null);
    return {
      id: row.id,
      orgId: row.orgId,
      orgSlug: row.org.slug,
      scopes: row.scopes,
      memberId: row.memberId,
      agentId: row.agentId,
      policyId: row.policyId,
      gatewayId: row.gatewayId,
      disabled: row.disabled,
      validUntil: finite.length ? Math.min(...finite) : null,
    };
  }
}
