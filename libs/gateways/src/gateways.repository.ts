import { Injectable } from '@nestjs/common';
import { isUniqueViolation, Prisma, PrismaService } from '@gatehouse/db';
import { ConflictError, newId, NotFoundError } from '@gatehouse/common';
import type { ServersConfig } from './servers-config/index.js';

export interface Gateway {
  id: string;
  orgId: string;
  savedName: string;
  version: string;
  isActive: boolean;
  isSample: boolean;
  isDefault: boolean;
  serversConfig: ServersConfig;
  policyId: string | null;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

export interface GatewayRevision {
  revision: number;
  action: string;
  serversConfig: ServersConfig;
  isActive: boolean;
  isSample: boolean;
  policyId: string | null;
  createdAt: Date;
  createdBy: string | null;
}

export interface GatewayState {
  serversConfig: ServersConfig;
  isActive: boolean;
  isSample: boolean;
  policyId: string | null;
}

type Row = Prisma.GatewayGetPayload<object>;
// Stored configs were validated as a whole before every write.
const toGateway = (row: Row): Gateway => ({ ...row, serversConfig: row.serversConfig as unknown as ServersConfig });
const json = (v: unknown): Prisma.InputJsonValue => v as Prisma.InputJsonValue;
const taken = (name: string, version: string) =>
  new ConflictError('gateway_exists', `A gateway named "${name}" with version ${version} already exists`);

@Injectable()
export class GatewaysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The gateway, its first revision and (when asked) the org default flag, atomically. */
  async create(
    orgId: string,
    g: { id: string; savedName: string; version: string; state: GatewayState; makeDefault: boolean | 'if_none'; actor: string; action: string },
  ): Promise<Gateway> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        let isDefault = g.makeDefault === true;
        if (g.makeDefault === 'if_none') isDefault = (await tx.gateway.count({ where: { orgId, isDefault: true } })) === 0;
        if (isDefault) await tx.gateway.updateMany({ where: { orgId, isDefault: true }, data: { isDefault: false } });
        const row = await tx.gateway.create({
          data: {
            id: g.id, orgId, savedName: g.savedName, version: g.version, isDefault,
            isActive: g.state.isActive, isSample: g.state.isSample, serversConfig: json(g.state.serversConfig), policyId: g.state.policyId,
            createdBy: g.actor, updatedBy: g.actor,
          },
        });
        await tx.gatewayRevision.create({ data: this.revisionData(orgId, g.id, 1, g.action, g.state, g.actor) });
        return toGateway(row);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(g.savedName, g.version);
      throw err;
    }
  }

  async findById(orgId: string, id: string): Promise<Gateway | null> {
    const row = await this.prisma.gateway.findFirst({ where: { id, orgId } });
    return row ? toGateway(row) : null;
  }

  async findByName(orgId: string, savedName: string, version: string): Promise<Gateway | null> {
    const row = await this.prisma.gateway.findFirst({ where: { orgId, savedName, version } });
    return row ? toGateway(row) : null;
  }

  async findDefault(orgId: string): Promise<Gateway | null> {
    const row = await this.prisma.gateway.findFirst({ where: { orgId, isDefault: true } });
    return row ? toGateway(row) : null;
  }

  async versionsOf(orgId: string, savedName: string): Promise<string[]> {
    return (await this.prisma.gateway.findMany({ where: { orgId, savedName }, select: { version: true } })).map((r) => r.version);
  }

  async list(orgId: string, limit: number, cursor?: string, savedName?: string): Promise<Gateway[]> {
    const rows = await this.prisma.gateway.findMany({
      where: { orgId, ...(savedName ? { savedName } : {}), ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    return rows.map(toGateway);
  }

  async policyExists(orgId: string, policyId: string): Promise<boolean> {
    return (await this.prisma.policy.count({ where: { id: policyId, orgId } })) > 0;
  }

  async connectorNames(orgId: string): Promise<Set<string>> {
    return new Set((await this.prisma.connector.findMany({ where: { orgId }, select: { name: true } })).map((c) => c.name));
  }

  /**
   * Read-modify-write under a row lock (SELECT … FOR UPDATE): concurrent
   * writers queue on the row, each sees the previous one's result, so no
   * update is lost. `compute` returns null for "no change".
   */
  async updateLocked(
    orgId: string,
    id: string,
    actor: string,
    compute: (current: Gateway) => { state: GatewayState; action: string } | null,
  ): Promise<Gateway> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM gateways WHERE id = ${id} AND org_id = ${orgId} FOR UPDATE`;
      if (locked.length === 0) throw new NotFoundError('gateway', id);
      const current = toGateway(await tx.gateway.findFirstOrThrow({ where: { id, orgId } }));
      const change = compute(current);
      if (!change) return current;
      const row = await tx.gateway.update({
        where: { id, orgId },
        data: {
          serversConfig: json(change.state.serversConfig),
          isActive: change.state.isActive,
          isSample: change.state.isSample,
          policyId: change.state.policyId,
          revision: { increment: 1 },
          updatedBy: actor,
        },
      });
      await tx.gatewayRevision.create({ data: this.revisionData(orgId, id, row.revision, change.action, change.state, actor) });
      return toGateway(row);
    });
  }

  async setDefault(orgId: string, id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.gateway.updateMany({ where: { id, orgId }, data: { isDefault: true } });
      if (count === 0) throw new NotFoundError('gateway', id);
      await tx.gateway.updateMany({ where: { orgId, isDefault: true, NOT: { id } }, data: { isDefault: false } });
    });
  }

  async delete(orgId: string, id: string): Promise<void> {
    const { count } = await this.prisma.gateway.deleteMany({ where: { id, orgId } });
    if (count === 0) throw new NotFoundError('gateway', id);
  }

  async listRevisions(orgId: string, gatewayId: string): Promise<GatewayRevision[]> {
    const rows = await this.prisma.gatewayRevision.findMany({ where: { orgId, gatewayId }, orderBy: { revision: 'desc' }, take: 1000 });
    return rows.map((r) => ({ ...r, serversConfig: r.serversConfig as unknown as ServersConfig }));
  }

  async findRevision(orgId: string, gatewayId: string, revision: number): Promise<GatewayRevision | null> {
    const r = await this.prisma.gatewayRevision.findFirst({ where: { orgId, gatewayId, revision } });
    return r ? { ...r, serversConfig: r.serversConfig as unknown as ServersConfig } : null;
  }

  private revisionData(orgId: string, gatewayId: string, revision: number, action: string, s: GatewayState, actor: string) {
    return {
      id: newId('rev'), orgId, gatewayId, revision, action, serversConfig: json(s.serversConfig),
      isActive: s.isActive, isSample: s.isSample, policyId: s.policyId, createdBy: actor,
    };
  }
}
