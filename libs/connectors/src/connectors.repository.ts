import { Injectable } from '@nestjs/common';
import { isRecordNotFound, isUniqueViolation, Prisma, PrismaService } from '@gatehouse/db';
import { ConflictError, newId, NotFoundError } from '@gatehouse/common';
import type { ConnectorConfig, ConnectorType } from './connector-config.js';
import type { PinnedTool, PinningEvent, ToolDefinition } from './tool-pinning.js';

export type ConnectorStatus = 'healthy' | 'degraded' | 'unreachable' | 'unknown';

export interface Connector {
  id: string;
  orgId: string;
  name: string;
  type: ConnectorType;
  /** Secrets sealed. */
  config: ConnectorConfig;
  status: ConnectorStatus;
  statusReason: string | null;
  toolCount: number;
  lastCheckedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

export interface StoredTool extends PinnedTool {
  pendingDefinition: ToolDefinition | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface ToolChange {
  id: string;
  connectorId: string;
  toolName: string;
  kind: 'added' | 'changed' | 'removed';
  before: ToolDefinition | null;
  after: ToolDefinition | null;
  status: 'pending' | 'accepted' | 'rejected' | 'recorded';
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

type Row = Prisma.ConnectorGetPayload<object>;

function toConnector(row: Row): Connector {
  // Stored rows were validated on write; the JSON column holds exactly that shape.
  return { ...row, config: { type: row.type, config: row.config } as unknown as ConnectorConfig };
}

const taken = (name: string) => new ConflictError('connector_name_taken', `A connector named "${name}" already exists`);
const json = (v: unknown): Prisma.InputJsonValue => v as Prisma.InputJsonValue;
const def = (v: unknown): ToolDefinition | null => (v ?? null) as ToolDefinition | null;

@Injectable()
export class ConnectorsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(orgId: string, c: { id: string; name: string; config: ConnectorConfig; createdBy: string }): Promise<Connector> {
    try {
      const row = await this.prisma.connector.create({
        data: { id: c.id, orgId, name: c.name, type: c.config.type, config: json(c.config.config), createdBy: c.createdBy, updatedBy: c.createdBy },
      });
      return toConnector(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(c.name);
      throw err;
    }
  }

  async findById(orgId: string, id: string): Promise<Connector | null> {
    const row = await this.prisma.connector.findFirst({ where: { id, orgId } });
    return row ? toConnector(row) : null;
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Connector[]> {
    const rows = await this.prisma.connector.findMany({
      where: { orgId, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    return rows.map(toConnector);
  }

  /** The worker's health sweep walks every tenant on purpose; nothing here is answered to a tenant. */
  async listAllForProbe(afterId: string | null, take: number): Promise<{ id: string; orgId: string }[]> {
    return this.prisma.connector.findMany({
      where: afterId ? { id: { gt: afterId } } : {},
      orderBy: { id: 'asc' },
      take,
      select: { id: true, orgId: true },
    });
  }

  async listNames(orgId: string): Promise<string[]> {
    return (await this.prisma.connector.findMany({ where: { orgId }, select: { name: true } })).map((r) => r.name);
  }

  async update(orgId: string, id: string, data: { name?: string; config?: ConnectorConfig; updatedBy: string }): Promise<Connector> {
    try {
      const row = await this.prisma.connector.update({
        where: { id, orgId },
        data: { name: data.name, config: data.config ? json(data.config.config) : undefined, updatedBy: data.updatedBy },
      });
      return toConnector(row);
    } catch (err) {
      if (isRecordNotFound(err)) throw new NotFoundError('connector', id);
      if (isUniqueViolation(err)) throw taken(data.name ?? '');
      throw err;
    }
  }

  async delete(orgId: string, id: string): Promise<void> {
    const { count } = await this.prisma.connector.deleteMany({ where: { id, orgId } });
    if (count === 0) throw new NotFoundError('connector', id);
  }

  async listTools(orgId: string, connectorId: string): Promise<StoredTool[]> {
    const rows = await this.prisma.connectorTool.findMany({ where: { orgId, connectorId }, orderBy: { name: 'asc' } });
    return rows.map((r) => ({
      name: r.name,
      description: r.description,
      inputSchema: r.inputSchema,
      fingerprint: r.fingerprint,
      state: r.state,
      pendingFingerprint: r.pendingFingerprint,
      pendingDefinition: def(r.pendingDefinition),
      firstSeenAt: r.firstSeenAt,
      lastSeenAt: r.lastSeenAt,
    }));
  }

  /** Applies a probe's outcome: status, pins and recorded changes, in one transaction. */
  async recordProbe(
    orgId: string,
    connectorId: string,
    probe: { status: ConnectorStatus; reason: string | null; observed: ToolDefinition[] | null; events: PinningEvent[]; firstSight: boolean },
  ): Promise<void> {
    const now = new Date();
    await this.prisma.$transaction(async (tx) => {
      for (const e of probe.events) {
        switch (e.kind) {
          case 'added':
            await tx.connectorTool.create({
              data: { connectorId, orgId, name: e.tool.name, description: e.tool.description, inputSchema: json(e.tool.inputSchema ?? {}), fingerprint: e.fingerprint },
            });
            if (!probe.firstSight) {
              await tx.toolChange.create({
                data: { id: newId('evt'), orgId, connectorId, toolName: e.tool.name, kind: 'added', after: json(e.tool), status: 'recorded' },
              });
            }
            break;
          case 'changed':
            await tx.connectorTool.update({
              where: { connectorId_name: { connectorId, name: e.after.name } },
              data: { state: 'quarantined', pendingDefinition: json(e.after), pendingFingerprint: e.fingerprint },
            });
            await tx.toolChange.updateMany({
              where: { orgId, connectorId, toolName: e.after.name, status: 'pending' },
              data: { status: 'rejected', decidedBy: 'superseded', decidedAt: now },
            });
            await tx.toolChange.create({
              data: {
                id: newId('evt'), orgId, connectorId, toolName: e.after.name, kind: 'changed',
                before: json({ name: e.before.name, description: e.before.description, inputSchema: e.before.inputSchema }),
                after: json(e.after), status: 'pending',
              },
            });
            break;
          case 'removed':
            await tx.connectorTool.update({ where: { connectorId_name: { connectorId, name: e.tool.name } }, data: { state: 'removed' } });
            await tx.toolChange.create({
              data: {
                id: newId('evt'), orgId, connectorId, toolName: e.tool.name, kind: 'removed',
                before: json({ name: e.tool.name, description: e.tool.description, inputSchema: e.tool.inputSchema }), status: 'recorded',
              },
            });
            break;
          case 'returned':
            await tx.connectorTool.update({ where: { connectorId_name: { connectorId, name: e.tool.name } }, data: { state: 'active' } });
            break;
        }
      }
      if (probe.observed) {
        await tx.connectorTool.updateMany({ where: { connectorId, name: { in: probe.observed.map((t) => t.name) } }, data: { lastSeenAt: now } });
      }
      const toolCount = probe.observed
        ? await tx.connectorTool.count({ where: { connectorId, state: 'active' } })
        : undefined;
      await tx.connector.updateMany({
        where: { id: connectorId, orgId },
        data: { status: probe.status, statusReason: probe.reason, lastCheckedAt: now, ...(toolCount !== undefined ? { toolCount } : {}) },
      });
    });
  }

  async listChanges(orgId: string, connectorId: string, limit: number, cursor?: string): Promise<ToolChange[]> {
    const rows = await this.prisma.toolChange.findMany({
      where: { orgId, connectorId, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    return rows.map((r) => ({ ...r, before: def(r.before), after: def(r.after) }));
  }

  /** Accepts a pending change: the new definition becomes the pin and the tool is served again. */
  async acceptChange(orgId: string, connectorId: string, changeId: string, actor: string): Promise<ToolChange | null> {
    return this.prisma.$transaction(async (tx) => {
      const change = await tx.toolChange.findFirst({ where: { id: changeId, orgId, connectorId } });
      if (!change) return null;
      if (change.status !== 'pending') throw new ConflictError('tool_change_not_pending', `Tool change ${changeId} is ${change.status}`);
      const tool = await tx.connectorTool.findUnique({ where: { connectorId_name: { connectorId, name: change.toolName } } });
      const after = def(tool?.pendingDefinition);
      if (!tool || !after || !tool.pendingFingerprint) throw new ConflictError('tool_change_not_pending', `Tool ${change.toolName} has no pending definition`);
      await tx.connectorTool.update({
        where: { connectorId_name: { connectorId, name: change.toolName } },
        data: {
          description: after.description,
          inputSchema: json(after.inputSchema ?? {}),
          fingerprint: tool.pendingFingerprint,
          pendingDefinition: Prisma.DbNull,
          pendingFingerprint: null,
          state: 'active',
        },
      });
      const updated = await tx.toolChange.update({ where: { id: changeId }, data: { status: 'accepted', decidedBy: actor, decidedAt: new Date() } });
      const toolCount = await tx.connectorTool.count({ where: { connectorId, state: 'active' } });
      await tx.connector.updateMany({ where: { id: connectorId, orgId }, data: { toolCount } });
      return { ...updated, before: def(updated.before), after: def(updated.after) };
    });
  }
}
