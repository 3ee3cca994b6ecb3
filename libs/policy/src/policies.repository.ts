import { Injectable } from '@nestjs/common';
import { isRecordNotFound, isUniqueViolation, Prisma, PrismaService } from '@gatehouse/db';
import { ConflictError, NotFoundError } from '@gatehouse/common';
import type { PolicyAction, PolicyRule } from './policy.types.js';

export interface Policy {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  rules: PolicyRule[];
  defaultAction: PolicyAction;
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

export interface PolicyWrite {
  name: string;
  description: string | null;
  rules: PolicyRule[];
  defaultAction: PolicyAction;
}

type Row = Prisma.PolicyGetPayload<object>;
// Rules were validated before every write.
const toPolicy = (r: Row): Policy => ({ ...r, rules: r.rules as unknown as PolicyRule[] });
const taken = (name: string) => new ConflictError('policy_name_taken', `A policy named "${name}" already exists`);

@Injectable()
export class PoliciesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(orgId: string, p: PolicyWrite & { id: string; makeDefault: boolean; actor: string }): Promise<Policy> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        if (p.makeDefault) await tx.policy.updateMany({ where: { orgId, isDefault: true }, data: { isDefault: false } });
        const row = await tx.policy.create({
          data: {
            id: p.id, orgId, name: p.name, description: p.description, rules: p.rules as unknown as Prisma.InputJsonValue,
            defaultAction: p.defaultAction, isDefault: p.makeDefault, createdBy: p.actor, updatedBy: p.actor,
          },
        });
        return toPolicy(row);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(p.name);
      throw err;
    }
  }

  async findById(orgId: string, id: string): Promise<Policy | null> {
    const row = await this.prisma.policy.findFirst({ where: { id, orgId } });
    return row ? toPolicy(row) : null;
  }

  async findDefault(orgId: string): Promise<Policy | null> {
    const row = await this.prisma.policy.findFirst({ where: { orgId, isDefault: true } });
    return row ? toPolicy(row) : null;
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Policy[]> {
    const rows = await this.prisma.policy.findMany({ where: { orgId, ...(cursor ? { id: { gt: cursor } } : {}) }, orderBy: { id: 'asc' }, take: limit + 1 });
    return rows.map(toPolicy);
  }

  async update(orgId: string, id: string, p: PolicyWrite & { actor: string }): Promise<Policy> {
    try {
      const row = await this.prisma.policy.update({
        where: { id, orgId },
        data: { name: p.name, description: p.description, rules: p.rules as unknown as Prisma.InputJsonValue, defaultAction: p.defaultAction, updatedBy: p.actor },
      });
      return toPolicy(row);
    } catch (err) {
      if (isRecordNotFound(err)) throw new NotFoundError('policy', id);
      if (isUniqueViolation(err)) throw taken(p.name);
      throw err;
    }
  }

  async setDefault(orgId: string, id: string, actor: string): Promise<Policy> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.policy.updateMany({ where: { id, orgId }, data: { isDefault: true, updatedBy: actor } });
      if (count === 0) throw new NotFoundError('policy', id);
      await tx.policy.updateMany({ where: { orgId, isDefault: true, NOT: { id } }, data: { isDefault: false } });
      return toPolicy(await tx.policy.findFirstOrThrow({ where: { id, orgId } }));
    });
  }

  /** The org's recent data-plane calls as dry-run samples; arguments were never stored, so there are none. */
  async recentCallSamples(orgId: string, limit: number): Promise<{ auditId: string; connector: string; tool: string; agent: { id: string; name: string } | null }[]> {
    const rows = await this.prisma.auditEntry.findMany({
      where: { orgId, kind: { in: ['call', 'check'] }, connectorName: { not: null }, toolName: { not: null } },
      orderBy: { id: 'desc' },
      take: limit,
      select: { id: true, connectorName: true, toolName: true, agentId: true },
    });
    const agentIds = [...new Set(rows.map((r) => r.agentId).filter((a): a is string => a !== null))];
    const agents = new Map(
      (await this.prisma.agent.findMany({ where: { orgId, id: { in: agentIds } }, select: { id: true, name: true } })).map((a) => [a.id, a.name]),
    );
    return rows.map((r) => ({
      auditId: r.id,
      connector: r.connectorName!,
      tool: r.toolName!,
      agent: r.agentId ? { id: r.agentId, name: agents.get(r.agentId) ?? r.agentId } : null,
    }));
  }

  async delete(orgId: string, id: string): Promise<void> {
    const { count } = await this.prisma.policy.deleteMany({ where: { id, orgId } });
    if (count === 0) throw new NotFoundError('policy', id);
  }
}
