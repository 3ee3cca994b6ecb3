import { Injectable } from '@nestjs/common';
import type { ChangeAwareCache } from '@gatehouse/common';
import { DataChangeFeed } from '@gatehouse/db';
import { GatewaysService, type Gateway, type GuardrailsConfig, type ServerEntry } from '@gatehouse/gateways';
import { evaluateGuardrails } from '@gatehouse/guardrails';
import { DataplaneRepository, type CatalogConnector } from './dataplane.repository.js';

export const TOOL_SEPARATOR = '__';

export interface CatalogTool {
  /** `<connector>__<tool>`, what the agent sees. */
  name: string;
  description: string | null;
  inputSchema: unknown;
  toolName: string;
  connector: Pick<CatalogConnector, 'id' | 'name' | 'type' | 'configVersion'>;
  input: GuardrailsConfig | undefined;
  output: GuardrailsConfig | undefined;
}

export interface Omission {
  connectorName: string;
  connectorId: string | null;
  reason: string;
}

export interface Catalog {
  gateway: Gateway;
  tools: Map<string, CatalogTool>;
  omitted: Omission[];
}

/** Which gateway serves a request (SPEC §4): the one it names (X-MCP-Gateway), else its credential's, else the org's default. */
export interface GatewaySelector {
  name?: string;
  version?: string;
  /** The credential's gateway (`gateway_id` of its API key or OAuth client). */
  credentialGatewayId?: string | null;
}

/** The caches' key of a selection: `<org>:` (so that an org's change forgets it), then the selection, unambiguously (names and versions may hold ':'). */
function selectorKey(orgId: string, s: GatewaySelector): string {
  return `${orgId}:${JSON.stringify(s.name ? [s.name, s.version ?? 'v1'] : [null, s.credentialGatewayId ?? null])}`;
}

export class NoGatewayError extends Error {}

/**
 * What a gateway serves: its connectors' pinned tools, as `<connector>__<tool>`,
 * minus tools outside a server's allowlist and tools whose description the
 * tools guardrail flags. Answered from the database's pinned copy (no
 * upstream is contacted), kept per replica until a gateway, connector or
 * tool of the org changes (DataChangeFeed).
 */
@Injectable()
export class ToolCatalogService {
  private readonly gateways: ChangeAwareCache<Gateway>;
  private readonly catalogs: ChangeAwareCache<Catalog>;
  private readonly gatewayPolicies: ChangeAwareCache<string | null>;

  constructor(
    private readonly gatewaysService: GatewaysService,
    private readonly repo: DataplaneRepository,
    changes: DataChangeFeed,
  ) {
    this.gateways = changes.cache();
    this.catalogs = changes.cache();
    this.gatewayPolicies = changes.cache();
  }

  async resolveGateway(orgId: string, selector: GatewaySelector): Promise<Gateway> {
    return this.gateways.get(selectorKey(orgId, selector), async () => {
      if (selector.name) return this.gatewaysService.getByName(orgId, selector.name, selector.version ?? 'v1');
      if (selector.credentialGatewayId) {
        // A gateway deleted since the credential was read unbinds it (ON DELETE SET NULL): the default serves then.
        const own = await this.gatewaysService.find(orgId, selector.credentialGatewayId);
        if (own) return own;
      }
      const g = await this.gatewaysService.findDefault(orgId);
      if (!g) throw new NoGatewayError('This organisation has no gateway; create one (the first becomes the default)');
      return g;
    });
  }

  /**
   * The selected gateway's policy, or null when the org has no gateway at all
   * (nothing named, none bound, no default): that answer is remembered like a
   * found gateway, until the org's gateways change (it used to cost /v1/check
   * a query per request). A gateway named by the request that does not exist
   * is the caller's error (not found), as on /mcp: answering with another
   * policy than the one the caller asked for could allow what it denies.
   * Failures are not remembered.
   */
  gatewayPolicyId(orgId: string, selector: GatewaySelector): Promise<string | null> {
    return this.gatewayPolicies.get(selectorKey(orgId, selector), () =>
      this.resolveGateway(orgId, selector).then(
        (g) => g.policyId,
        (err: unknown) => {
          if (err instanceof NoGatewayError) return null;
          throw err;
        },
      ),
    );
  }

  async catalog(orgId: string, selector: GatewaySelector): Promise<Catalog> {
    const gateway = await this.resolveGateway(orgId, selector);
    return this.catalogs.get(`${orgId}:${gateway.id}:${gateway.revision}`, () => this.build(orgId, gateway));
  }

  private async build(orgId: string, gateway: Gateway): Promise<Catalog> {
    const servers = gateway.serversConfig.servers;
    const connectors = new Map((await this.repo.connectorsWithTools(orgId, servers.map((s) => s.saved_name))).map((c) => [c.name, c]));
    const common = gateway.serversConfig.common_overrides;
    const tools = new Map<string, CatalogTool>();
    const omitted: Omission[] = [];
    if (!gateway.isActive) return { gateway, tools, omitted: [{ connectorName: '*', connectorId: null, reason: 'gateway is inactive' }] };
    for (const server of servers) {
      const c = connectors.get(server.saved_name);
      if (!c) {
        omitted.push({ connectorName: server.saved_name, connectorId: null, reason: 'connector no longer exists' });
        continue;
      }
      if (c.status === 'unreachable') {
        omitted.push({ connectorName: c.name, connectorId: c.id, reason: `connector unreachable: ${c.statusReason ?? 'last probe failed'}` });
        continue;
      }
      for (const t of c.tools) {
        if (server.tools && !server.tools.includes(t.name)) continue;
        if (this.poisoned(t, common.server_tools_guardrails_config)) {
          omitted.push({ connectorName: c.name, connectorId: c.id, reason: `tool ${t.name} hidden: its description or input schema was flagged by the tools guardrail` });
          continue;
        }
        const name = `${c.name}${TOOL_SEPARATOR}${t.name}`;
        tools.set(name, {
          name,
          description: t.description,
          inputSchema: t.inputSchema,
          toolName: t.name,
          connector: { id: c.id, name: c.name, type: c.type, configVersion: c.configVersion },
          input: pick(server, 'input_guardrails_config') ?? common.input_guardrails_config,
          output: pick(server, 'output_guardrails_config') ?? common.output_guardrails_config,
        });
      }
    }
    return { gateway, tools, omitted };
  }

  /**
   * Everything of a tool the agent's model reads is screened: its name, its
   * description, and its input schema (the descriptions of its parameters,
   * their defaults and examples), where an instruction hides as well as in
   * the description.
   */
  private poisoned(tool: { name: string; description: string | null; inputSchema: unknown }, config: GuardrailsConfig | undefined): boolean {
    if (!config?.enabled) return false;
    return evaluateGuardrails({ name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema }, config).action === 'block';
  }
}

function pick(server: ServerEntry, key: 'input_guardrails_config' | 'output_guardrails_config'): GuardrailsConfig | undefined {
  return server[key];
}
