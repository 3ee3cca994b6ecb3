import { Injectable } from '@nestjs/common';
import { isRecordNotFound, PrismaService } from '@gatehouse/db';
import { NotFoundError } from '@gatehouse/common';

export interface OAuthClient {
  id: string;
  orgId: string;
  name: string;
  clientId: string;
  scopes: string[];
  agentId: string | null;
  policyId: string | null;
  gatewayId: string | null;
  disabled: boolean;
  previousExpiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

export interface OAuthClientAuthRecord {
  id: string;
  orgId: string;
  orgSlug: string;
  scopes: string[];
  agentId: string | null;
  policyId: string | null;
  gatewayId: string | null;
  disabled: boolean;
  secretHash: string;
  previousSecretHash: string | null;
  previousExpiresAt: number | null;
}

const PUBLIC_FIELDS = {
  id: true, orgId: true, name: true, clientId: true, scopes: true, agentId: true, policyId: true, gatewayId: true, disabled: true,
  previousExpiresAt: true, lastUsedAt: true, createdAt: true, updatedAt: true, createdBy: true, updatedBy: true,
} as const;

@Injectable()
export class OAuthClientsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(
    orgId: string,
    client: { id: string; name: string; secretHash: string; scopes: string[]; agentId: string | null; policyId: string | null; gatewayId: string | null; createdBy: string },
  ): Promise<OAuthClient> {
    return this.prisma.oAuthClient.create({
      data: { ...client, clientId: client.id, orgId, updatedBy: client.createdBy },
      select: PUBLIC_FIELDS,
    });
  }

  async findById(orgId: string, id: string): Promise<OAuthClient | null> {
    return this.prisma.oAuthClient.findFirst({ where: { id, orgId }, select: PUBLIC_FIELDS });
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<OAuthClient[]> {
    return this.prisma.oAuthClient.findMany({
      where: { orgId, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
      select: PUBLIC_FIELDS,
    });
  }

  async update(
    orgId: string,
    id: string,
    data: { name?: string; scopes?: string[]; disabled?: boolean; agentId?: string | null; policyId?: string | null; gatewayId?: string | null; updatedBy: string },
  ): Promise<OAuthClient> {
    try {
      return await this.prisma.oAuthClient.update({ where: { id, orgId }, data, select: PUBLIC_FIELDS });
    } catch (err) {
      if (isRecordNotFound(err)) throw new NotFoundError('oauth_client', id);
      throw err;
    }
  }

  async rotate(orgId: string, id: string, secretHash: string, previousExpiresAt: Date | null, actor: string): Promise<OAuthClient> {
    return this.prisma.$transaction(async (tx) => {
      const current = await tx.oAuthClient.findFirst({ where: { id, orgId }, select: { secretHash: true } });
      if (!current) throw new NotFoundError('oauth_client', id);
      return tx.oAuthClient.update({
        where: { id, orgId },
        data: { secretHash, previousSecretHash: previousExpiresAt ? current.secretHash : null, previousExpiresAt, updatedBy: actor },
        select: PUBLIC_FIELDS,
      });
    });
  }

  async delete(orgId: string, id: string): Promise<void> {
    const { count } = await this.prisma.oAuthClient.deleteMany({ where: { id, orgId } });
    if (count === 0) throw new NotFoundError('oauth_client', id);
  }

  /** Not tenant-scoped on purpose: the client id is what identifies the tenant. */
  async findForAuthentication(clientId: string): Promise<OAuthClientAuthRecord | null> {
    const row = await this.prisma.oAuthClient.findUnique({
      where: { clientId },
      select: {
        id: true, orgId: true, scopes: true, agentId: true, policyId: true, gatewayId: true, disabled: true, secretHash: true,
        previousSecretHash: true, previousExpiresAt: true, org: { select: { slug: true } },
      },
    });
    if (!row) return null;
    return {
      id: row.id, orgId: row.orgId, orgSlug: row.org.slug, scopes: row.scopes, agentId: row.agentId, policyId: row.policyId, gatewayId: row.gatewayId,
      disabled: row.disabled, secretHash: row.secretHash, previousSecretHash: row.previousSecretHash,
      previousExpiresAt: row.previousExpiresAt?.getTime() ?? null,
    };
  }
}
