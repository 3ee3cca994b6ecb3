import { Injectable } from '@nestjs/common';
import {
  newId,
  NotFoundError,
  PreconditionFailedError,
  toPage,
  UnprocessableError,
  ValidationError,
  type FieldProblem,
  type Page,
} from '@gatehouse/common';
import { AdminAuditService, type AuditActor } from '@gatehouse/audit';
import { GatewaysRepository, type Gateway, type GatewayRevision, type GatewayState } from './gateways.repository.js';
import { diffJson, type JsonChange } from './json-diff.js';
import {
  applyGatewayPatch,
  gatewayNameProblem,
  gatewayVersionProblem,
  nextGatewayVersion,
  validateServersConfig,
  type ConfigProblem,
} from './servers-config/index.js';

const EMPTY_CONFIG = { common_overrides: {}, servers: [] };

export interface GatewayInput {
  savedName: string;
  version?: string;
  serversConfig?: unknown;
  isActive?: boolean;
  isSample?: boolean;
  isDefault?: boolean;
  policyId?: string | null;
}

export interface ReplaceInput {
  serversConfig: unknown;
  isActive?: boolean;
  isSample?: boolean;
  policyId?: string | null;
}

const toFields = (problems: ConfigProblem[]): FieldProblem[] => problems.map((p) => ({ field: p.path || '(body)', message: p.message }));

export const etagOf = (g: Pick<Gateway, 'revision'>): string => `"r${g.revision}"`;

@Injectable()
export class GatewaysService {
  constructor(
    private readonly repo: GatewaysRepository,
    private readonly audit: AdminAuditService,
  ) {}

  async create(orgId: string, input: GatewayInput, actor: AuditActor): Promise<Gateway> {
    const version = input.version ?? 'v1';
    const problems = [gatewayNameProblem(input.savedName), gatewayVersionProblem(version)];
    const named = problems.map((m, i) => (m ? { field: i === 0 ? 'saved_name' : 'version', message: m } : null)).filter((x): x is FieldProblem => x !== null);
    if (named.length) throw new ValidationError(named);
    const state = await this.validState(orgId, input.serversConfig ?? EMPTY_CONFIG, input.isActive ?? true, input.isSample ?? false, input.policyId ?? null);
    const gateway = await this.repo.create(orgId, {
      id: newId('gw'),
      savedName: input.savedName,
      version,
      state,
      makeDefault: input.isDefault === true ? true : 'if_none',
      actor: actor.id,
      action: 'create',
    });
    await this.audit.record(orgId, actor, 'create', 'gateway', gateway.id);
    return gateway;
  }

  async list(orgId: string, limit: number, cursor?: string, savedName?: string): Promise<Page<Gateway>> {
    return toPage(await this.repo.list(orgId, limit, cursor, savedName), limit);
  }

  async get(orgId: string, id: string): Promise<Gateway> {
    const g = await this.find(orgId, id);
    if (!g) throw new NotFoundError('gateway', id);
    return g;
  }

  /** A gateway of the org, or null. */
  find(orgId: string, id: string): Promise<Gateway | null> {
    return this.repo.findById(orgId, id);
  }

  async getByName(orgId: string, savedName: string, version = 'v1'): Promise<Gateway> {
    const g = await this.repo.findByName(orgId, savedName, version);
    if (!g) throw new NotFoundError('gateway', `${savedName}@${version}`);
    return g;
  }

  /** Gateway selection for the data plane: by name, else the credential's, else the org default. */
  async findDefault(orgId: string): Promise<Gateway | null> {
    return this.repo.findDefault(orgId);
  }

  async replace(orgId: string, id: string, input: ReplaceInput, ifMatch: string | undefined, actor: AuditActor): Promise<Gateway> {
    const current = await this.get(orgId, id);
    const validated = await this.validState(orgId, input.serversConfig, true, false, input.policyId ?? null);
    const updated = await this.repo.updateLocked(orgId, id, actor.id, (locked) => {
      this.checkPrecondition(locked, ifMatch);
      const state: GatewayState = {
        serversConfig: validated.serversConfig,
        isActive: input.isActive ?? locked.isActive,
        isSample: input.isSample ?? locked.isSample,
        policyId: input.policyId === undefined ? locked.policyId : input.policyId,
      };
      return { state, action: 'replace' };
    });
    if (updated.revision !== current.revision) await this.audit.record(orgId, actor, 'update', 'gateway', id);
    return updated;
  }

  /**
   * The deep-merge PATCH (SPEC §3). The merge runs on the row as locked in
   * the database, so concurrent PATCHes are applied one after the other and
   * none is lost; If-Match is checked against that same locked row.
   */
  async patch(orgId: string, id: string, body: unknown, ifMatch: string | undefined, actor: AuditActor): Promise<Gateway> {
    await this.get(orgId, id);
    const connectorNames = await this.repo.connectorNames(orgId);
    const requestedPolicy = this.policyIdOf(body);
    if (requestedPolicy && !(await this.repo.policyExists(orgId, requestedPolicy))) {
      throw new UnprocessableError('policy_not_found', `No policy found with id ${requestedPolicy}`, [
        { field: 'policy_id', message: 'is not a policy of this organisation' },
      ]);
    }
    const patchBody = stripPolicy(body);
    let changed = false;
    const updated = await this.repo.updateLocked(orgId, id, actor.id, (current) => {
      this.checkPrecondition(current, ifMatch);
      const policyId = requestedPolicy === undefined ? current.policyId : requestedPolicy;
      const outcome = applyGatewayPatch(
        { servers_config: current.serversConfig, is_active: current.isActive, is_sample: current.isSample },
        patchBody,
        { connectorNames },
      );
      if (!outcome.ok) {
        if (outcome.stage === 'patch') throw new ValidationError(toFields(outcome.errors));
        throw new UnprocessableError('invalid_gateway', 'The patched gateway is not valid; nothing was stored', toFields(outcome.errors));
      }
      if (!outcome.changed && policyId === current.policyId) return null;
      changed = true;
      return {
        state: { serversConfig: outcome.value.servers_config, isActive: outcome.value.is_active, isSample: outcome.value.is_sample, policyId },
        action: 'patch',
      };
    });
    if (changed) await this.audit.record(orgId, actor, 'update', 'gateway', id);
    return updated;
  }

  async newVersion(orgId: string, id: string, actor: AuditActor): Promise<Gateway> {
    const source = await this.get(orgId, id);
    const version = nextGatewayVersion(await this.repo.versionsOf(orgId, source.savedName));
    const gateway = await this.repo.create(orgId, {
      id: newId('gw'),
      savedName: source.savedName,
      version,
      state: { serversConfig: source.serversConfig, isActive: source.isActive, isSample: source.isSample, policyId: source.policyId },
      makeDefault: false,
      actor: actor.id,
      action: `copy_of:${source.id}@r${source.revision}`,
    });
    await this.audit.record(orgId, actor, 'create', 'gateway', gateway.id);
    return gateway;
  }

  async setDefault(orgId: string, id: string, actor: AuditActor): Promise<Gateway> {
    await this.repo.setDefault(orgId, id);
    await this.audit.record(orgId, actor, 'update', 'gateway', id);
    return this.get(orgId, id);
  }

  async delete(orgId: string, id: string, actor: AuditActor): Promise<void> {
    await this.repo.delete(orgId, id);
    await this.audit.record(orgId, actor, 'delete', 'gateway', id);
  }

  async revisions(orgId: string, id: string): Promise<GatewayRevision[]> {
    await this.get(orgId, id);
    return this.repo.listRevisions(orgId, id);
  }

  async diff(orgId: string, id: string, from: number, to: number): Promise<JsonChange[]> {
    const [a, b] = await Promise.all([this.revision(orgId, id, from), this.revision(orgId, id, to)]);
    const view = (r: GatewayRevision) => ({ servers_config: r.serversConfig, is_active: r.isActive, is_sample: r.isSample, policy_id: r.policyId });
    return diffJson(view(a), view(b));
  }

  /** Rolls forward to an old revision's content, as a new revision; validated against today's connectors. */
  async rollback(orgId: string, id: string, revision: number, actor: AuditActor): Promise<Gateway> {
    const target = await this.revision(orgId, id, revision);
    const policyId = target.policyId && (await this.repo.policyExists(orgId, target.policyId)) ? target.policyId : null;
    const state = await this.validState(orgId, target.serversConfig, target.isActive, target.isSample, policyId);
    const updated = await this.repo.updateLocked(orgId, id, actor.id, () => ({ state, action: `rollback_to:r${revision}` }));
    await this.audit.record(orgId, actor, 'update', 'gateway', id);
    return updated;
  }

  private async revision(orgId: string, id: string, revision: number): Promise<GatewayRevision> {
    await this.get(orgId, id);
    const r = await this.repo.findRevision(orgId, id, revision);
    if (!r) throw new NotFoundError('gateway_revision', `${id}@r${revision}`);
    return r;
  }

  private checkPrecondition(current: Gateway, ifMatch: string | undefined): void {
    if (ifMatch === undefined || ifMatch === '*') return;
    const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (!tags.includes(etagOf(current))) {
      throw new PreconditionFailedError(`If-Match ${ifMatch} does not match the current ETag ${etagOf(current)}`);
    }
  }

  /** undefined: not in the patch; null: detach. */
  private policyIdOf(body: unknown): string | null | undefined {
    if (typeof body !== 'object' || body === null || !('policy_id' in body)) return undefined;
    const v = (body).policy_id;
    if (v === null) return null;
    if (typeof v === 'string' && /^pol_[0-9a-z]{26}$/.test(v)) return v;
    throw new ValidationError([{ field: 'policy_id', message: 'must be a policy id (pol_…) or null' }]);
  }

  private async validState(orgId: string, config: unknown, isActive: boolean, isSample: boolean, policyId: string | null): Promise<GatewayState> {
    const result = validateServersConfig(config, { connectorNames: await this.repo.connectorNames(orgId) });
    if (!result.ok) throw new UnprocessableError('invalid_gateway', 'The gateway configuration is not valid', toFields(result.errors));
    if (policyId && !(await this.repo.policyExists(orgId, policyId))) {
      throw new UnprocessableError('policy_not_found', `No policy found with id ${policyId}`, [{ field: 'policy_id', message: 'is not a policy of this organisation' }]);
    }
    return { serversConfig: result.value, isActive, isSample, policyId };
  }
}

function stripPolicy(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('policy_id' in body)) return body;
  const { policy_id: _ignored, ...rest } = body as Record<string, unknown>;
  return rest;
}
