import { Injectable } from '@nestjs/common';
import { newId, NotFoundError, toPage, UnprocessableError, type Page } from '@gatehouse/common';
import { AdminAuditService, type AuditActor } from '@gatehouse/audit';
import { compilePolicy, type CompiledPolicy } from './policy.compile.js';
import { dryRun, type DryRunReport, type DryRunSample } from './policy.dry-run.js';
import { validatePolicyRules } from './policy.validate.js';
import { PoliciesRepository, type Policy, type PolicyWrite } from './policies.repository.js';

export interface PolicyInput {
  name: string;
  description?: string | null;
  rules: unknown;
  defaultAction: unknown;
}

/** Rules are judged on write: every problem is a 422 whose detail names the rule index and the path. */
function validated(input: PolicyInput): PolicyWrite {
  const result = validatePolicyRules(input.rules, input.defaultAction);
  if (!result.ok) {
    throw new UnprocessableError(
      'invalid_policy',
      result.errors.map((e) => e.message).join('; '),
      result.errors.map((e) => ({ field: e.path, message: e.message })),
    );
  }
  return { name: input.name, description: input.description ?? null, rules: result.value.rules, defaultAction: result.value.default_action };
}

@Injectable()
export class PoliciesService {
  constructor(
    private readonly repo: PoliciesRepository,
    private readonly audit: AdminAuditService,
  ) {}

  async create(orgId: string, input: PolicyInput & { isDefault?: boolean }, actor: AuditActor): Promise<Policy> {
    const policy = await this.repo.create(orgId, { ...validated(input), id: newId('pol'), makeDefault: input.isDefault === true, actor: actor.id });
    await this.audit.record(orgId, actor, 'create', 'policy', policy.id);
    return policy;
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Page<Policy>> {
    return toPage(await this.repo.list(orgId, limit, cursor), limit);
  }

  async get(orgId: string, id: string): Promise<Policy> {
    const p = await this.repo.findById(orgId, id);
    if (!p) throw new NotFoundError('policy', id);
    return p;
  }

  async replace(orgId: string, id: string, input: PolicyInput, actor: AuditActor): Promise<Policy> {
    const policy = await this.repo.update(orgId, id, { ...validated(input), actor: actor.id });
    await this.audit.record(orgId, actor, 'update', 'policy', id);
    return policy;
  }

  /** Partial update: absent fields keep their stored value; the result is validated as a whole. */
  async patch(orgId: string, id: string, input: Partial<PolicyInput>, actor: AuditActor): Promise<Policy> {
    const current = await this.get(orgId, id);
    return this.replace(
      orgId,
      id,
      {
        name: input.name ?? current.name,
        description: input.description === undefined ? current.description : input.description,
        rules: input.rules ?? current.rules,
        defaultAction: input.defaultAction ?? current.defaultAction,
      },
      actor,
    );
  }

  async setDefault(orgId: string, id: string, actor: AuditActor): Promise<Policy> {
    const policy = await this.repo.setDefault(orgId, id, actor.id);
    await this.audit.record(orgId, actor, 'update', 'policy', id);
    return policy;
  }

  async delete(orgId: string, id: string, actor: AuditActor): Promise<void> {
    await this.repo.delete(orgId, id);
    await this.audit.record(orgId, actor, 'delete', 'policy', id);
  }

  /**
   * Evaluates a draft against sample calls, next to the policy it would
   * replace (a given one, else the org default, else none), and reports which
   * decisions change. Nothing is stored.
   */
  async dryRun(
    orgId: string,
    draft: PolicyInput,
    samples: DryRunSample[],
    compareWith?: string,
    auditLimit = 0,
  ): Promise<{ samples: DryRunReport; audit: DryRunReport & { auditIds: string[] } }> {
    const v = validated(draft);
    const compiledDraft = compilePolicy({ id: 'draft', name: v.name, rules: v.rules, default_action: v.defaultAction });
    const current = compareWith ? await this.get(orgId, compareWith) : await this.repo.findDefault(orgId);
    const compiledCurrent: CompiledPolicy | null = current
      ? compilePolicy({ id: current.id, name: current.name, rules: current.rules, default_action: current.defaultAction })
      : null;
    const recent = auditLimit > 0 ? await this.repo.recentCallSamples(orgId, auditLimit) : [];
    const audit = dryRun(compiledDraft, compiledCurrent, recent.map((r) => ({ connector: r.connector, tool: r.tool, agent: r.agent })));
    return { samples: dryRun(compiledDraft, compiledCurrent, samples), audit: { ...audit, auditIds: recent.map((r) => r.auditId) } };
  }
}
