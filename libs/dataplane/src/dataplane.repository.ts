import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '@gatehouse/db';

export interface CatalogConnector {
  id: string;
  name: string;
  type: 'mcp_http' | 'mcp_sse' | 'mcp_stdio' | 'postgresql';
  status: string;
  statusReason: string | null;
  /** A digest of the stored (sealed) config: a pooled upstream session is kept while it stays the same. */
  configVersion: string;
  tools: { name: string; description: string | null; inputSchema: unknown }[];
}

@Injectable()
export class DataplaneRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The named connectors of an org with their active (pinned, not quarantined) tools, in one round trip. */
  async connectorsWithTools(orgId: string, names: string[]): Promise<CatalogConnector[]> {
    if (names.length === 0) return [];
    const rows = await this.prisma.connector.findMany({
      where: { orgId, name: { in: names } },
      select: {
        id: true, name: true, type: true, status: true, statusReason: true, config: true,
        tools: { where: { state: 'active' }, select: { name: true, description: true, inputSchema: true }, orderBy: { name: 'asc' } },
      },
    });
    // The config is only digested here (it holds sealed secrets); what calls the upstream opens it again.
    return rows.map(({ config, ...c }) => ({ ...c, configVersion: createHash('sha256').update(JSON.stringify(config)).digest('base64url') }));
  }

  async connectorIdByName(orgId: string, name: string): Promise<string | null> {
    return (await this.prisma.connector.findFirst({ where: { orgId, name }, select: { id: true } }))?.id ?? null;
  }

  async agentName(orgId: string, agentId: string): Promise<string | null> {
    return (await this.prisma.agent.findFirst({ where: { id: agentId, orgId }, select: { name: true } }))?.name ?? null;
  }
}
