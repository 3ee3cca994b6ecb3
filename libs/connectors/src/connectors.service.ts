import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { newId, NotFoundError, toPage, UnprocessableError, ValidationError, type Page } from '@gatehouse/common';
import { AdminAuditService, type AuditActor } from '@gatehouse/audit';
import { isConnectorType, maskSecrets, openSecrets, restoreMasked, sealSecrets, validateConnectorConfig } from './connector-config.codec.js';
import type { ConnectorConfig, ConnectorType } from './connector-config.js';
import { ConnectorsRepository, type Connector, type StoredTool, type ToolChange } from './connectors.repository.js';
import { probeMcpUpstream } from './mcp-probe.js';
import { POSTGRES_TOOLS, postgresLimits, probePostgres } from './postgres-tools.js';
import type { KeyRing } from './secret-box.js';
import { reconcileTools, type ToolDefinition } from './tool-pinning.js';
import { checkUpstreamUrl } from './upstream-address.js';

/** A connector name is the tool namespace: `<name>__<tool>`, so no double underscore. */
const NAME = /^[a-z0-9](?:[a-z0-9-]|_(?!_)){0,62}$/;

export interface ProbeOutcome {
  status: 'healthy' | 'degraded' | 'unreachable';
  reason: string | null;
  toolCount: number;
}

export function keyRingFrom(env: Env): KeyRing {
  const keys = new Map<string, Buffer>([[env.ENCRYPTION_KEY_ID, Buffer.from(env.ENCRYPTION_KEY, 'base64')]]);
  for (const pair of env.ENCRYPTION_PREVIOUS_KEYS.split(',').filter(Boolean)) {
    const [id, key] = pair.trim().split(':');
    if (!keys.has(id)) keys.set(id, Buffer.from(key, 'base64'));
  }
  return { currentKeyId: env.ENCRYPTION_KEY_ID, keys };
}

@Injectable()
export class ConnectorsService {
  private readonly logger = new Logger(ConnectorsService.name);
  private readonly ring: KeyRing;

  constructor(
    private readonly repo: ConnectorsRepository,
    private readonly audit: AdminAuditService,
    @Inject(APP_CONFIG) private readonly env: Env,
  ) {
    this.ring = keyRingFrom(env);
  }

  async create(orgId: string, input: { name: string; type: string; config: unknown }, actor: AuditActor): Promise<Connector> {
    if (!NAME.test(input.name)) {
      throw new ValidationError([{ field: 'name', message: 'must be 1-63 lowercase letters, digits, "-" or single "_", starting with a letter or digit' }]);
    }
    if (!isConnectorType(input.type)) {
      throw new ValidationError([{ field: 'type', message: 'must be one of mcp_http, mcp_sse, mcp_stdio, postgresql' }]);
    }
    const config = this.validate(input.type, input.config);
    const id = newId('conn');
    const sealed = sealSecrets(config, this.ring, orgId, id);
    await this.repo.create(orgId, { id, name: input.name, config: sealed, createdBy: actor.id });
    await this.audit.record(orgId, actor, 'create', 'connector', id);
    await this.probe(orgId, id);
    return this.get(orgId, id);
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Page<Connector>> {
    return toPage(await this.repo.list(orgId, limit, cursor), limit);
  }

  async get(orgId: string, id: string): Promise<Connector> {
    const c = await this.repo.findById(orgId, id);
    if (!c) throw new NotFoundError('connector', id);
    return c;
  }

  /** `config` merges over the stored one key by key; a masked value keeps what was stored. */
  async update(orgId: string, id: string, input: { name?: string; config?: Record<string, unknown> }, actor: AuditActor): Promise<Connector> {
    const current = await this.get(orgId, id);
    if (input.name !== undefined && !NAME.test(input.name)) {
      throw new ValidationError([{ field: 'name', message: 'must be 1-63 lowercase letters, digits, "-" or single "_"' }]);
    }
    let sealed: ConnectorConfig | undefined;
    if (input.config !== undefined) {
      const merged = { ...(maskSecrets(current.config).config as unknown as Record<string, unknown>), ...input.config };
      const incoming = this.validate(current.type, merged);
      const { config, missing } = restoreMasked(incoming, current.config);
      if (missing.length) throw new ValidationError(missing.map((field) => ({ field, message: 'is masked but has no stored value' })));
      sealed = sealSecrets(config, this.ring, orgId, id);
    }
    await this.repo.update(orgId, id, { name: input.name, config: sealed, updatedBy: actor.id });
    await this.audit.record(orgId, actor, 'update', 'connector', id);
    if (sealed) await this.probe(orgId, id);
    return this.get(orgId, id);
  }

  async delete(orgId: string, id: string, actor: AuditActor): Promise<void> {
    await this.repo.delete(orgId, id);
    await this.audit.record(orgId, actor, 'delete', 'connector', id);
  }

  async test(orgId: string, id: string): Promise<{ connector: Connector; probe: ProbeOutcome }> {
    const probe = await this.probe(orgId, id);
    return { connector: await this.get(orgId, id), probe };
  }

  async tools(orgId: string, id: string, refresh: boolean): Promise<StoredTool[]> {
    if (refresh) await this.probe(orgId, id);
    else await this.get(orgId, id);
    return this.repo.listTools(orgId, id);
  }

  async changes(orgId: string, id: string, limit: number, cursor?: string): Promise<Page<ToolChange>> {
    await this.get(orgId, id);
    return toPage(await this.repo.listChanges(orgId, id, limit, cursor), limit);
  }

  async acceptChange(orgId: string, id: string, changeId: string, actor: AuditActor): Promise<ToolChange> {
    await this.get(orgId, id);
    const change = await this.repo.acceptChange(orgId, id, changeId, actor.id);
    if (!change) throw new NotFoundError('tool_change', changeId);
    await this.audit.record(orgId, actor, 'update', 'tool_change', changeId);
    await this.refreshStatus(orgId, id);
    return change;
  }

  /** Decrypted config for the data plane; never leaves the process. */
  async openConfig(orgId: string, id: string): Promise<ConnectorConfig> {
    const c = await this.get(orgId, id);
    return openSecrets(c.config, this.ring, orgId, id);
  }

  /** A real initialize + tools/list (or a database round trip); never throws for an upstream's fault. */
  async probe(orgId: string, id: string): Promise<ProbeOutcome> {
    const connector = await this.get(orgId, id);
    let observed: ToolDefinition[] | null = null;
    let reason: string | null = null;
    try {
      const config = openSecrets(connector.config, this.ring, orgId, id);
      if (config.type === 'postgresql') {
        await probePostgres(config.config, postgresLimits(this.env));
        observed = POSTGRES_TOOLS.map(toDefinition);
      } else {
        const result = await probeMcpUpstream(config, {
          allowPrivateUpstreams: this.env.ALLOW_PRIVATE_UPSTREAMS,
          stdioAllowlist: new Set(this.env.STDIO_ALLOWLIST),
          timeoutMs: this.env.PROBE_TIMEOUT_MS,
        });
        if (result.status === 'healthy') observed = result.tools.map(toDefinition);
        else reason = result.error;
      }
    } catch (err) {
      reason = (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300);
    }
    const pinned = await this.repo.listTools(orgId, id);
    const events = observed ? reconcileTools(pinned, observed) : [];
    const firstSight = pinned.length === 0 && connector.lastCheckedAt === null;
    const quarantined = pinned.some((t) => t.state === 'quarantined') || events.some((e) => e.kind === 'changed');
    const status = !observed ? 'unreachable' : quarantined ? 'degraded' : 'healthy';
    const statusReason = reason ?? (quarantined ? 'tool definitions changed upstream; review the pending tool changes' : null);
    await this.repo.recordProbe(orgId, id, { status, reason: statusReason, observed, events, firstSight });
    if (events.length && !firstSight) this.logger.log(`connector ${id}: ${events.length} tool change(s) on probe`);
    const refreshed = await this.get(orgId, id);
    return { status, reason: statusReason, toolCount: refreshed.toolCount };
  }

  /** Probes every connector of every org, a few at a time; returns how many were probed. */
  async probeAll(concurrency = 4): Promise<number> {
    let after: string | null = null;
    let probed = 0;
    for (;;) {
      const batch = await this.repo.listAllForProbe(after, concurrency);
      if (batch.length === 0) return probed;
      await Promise.all(batch.map((c) => this.probe(c.orgId, c.id).catch((err: unknown) => this.logger.warn(`probe ${c.id} failed: ${String(err)}`))));
      probed += batch.length;
      after = batch[batch.length - 1].id;
    }
  }

  private async refreshStatus(orgId: string, id: string): Promise<void> {
    const tools = await this.repo.listTools(orgId, id);
    const c = await this.get(orgId, id);
    if (c.status === 'degraded' && !tools.some((t) => t.state === 'quarantined')) {
      await this.repo.recordProbe(orgId, id, { status: 'healthy', reason: null, observed: null, events: [], firstSight: false });
    }
  }

  private validate(type: ConnectorType, raw: unknown): ConnectorConfig {
    const result = validateConnectorConfig(type, raw);
    if (!result.ok) throw new ValidationError(result.errors);
    const config = result.value;
    if (config.type === 'mcp_stdio' && !this.env.STDIO_ALLOWLIST.includes(config.config.command)) {
      throw new UnprocessableError('stdio_command_not_allowed', `Command ${config.config.command} is not on the operator's STDIO_ALLOWLIST`, [
        { field: 'config.command', message: 'is not on the allowlist' },
      ]);
    }
    if (config.type === 'mcp_http' || config.type === 'mcp_sse') {
      const check = checkUpstreamUrl(config.config.url, this.env.ALLOW_PRIVATE_UPSTREAMS);
      if (!check.ok) {
        throw new UnprocessableError('upstream_not_allowed', `config.url ${check.reason}`, [{ field: 'config.url', message: check.reason }]);
      }
    }
    return config;
  }
}

function toDefinition(t: { name: string; description?: string; inputSchema: unknown }): ToolDefinition {
  return { name: t.name, description: t.description ?? null, inputSchema: t.inputSchema };
}
