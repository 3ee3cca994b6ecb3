import { Injectable } from '@nestjs/common';
import { newId } from '@gatehouse/common';
import { AuditLogWriter } from '@gatehouse/audit';
import type { Principal } from '@gatehouse/credentials';
import { EffectivePolicyService, evaluate } from '@gatehouse/policy';
import { CallPipelineService } from './call-pipeline.service.js';
import { DataplaneRepository } from './dataplane.repository.js';
import { ToolCatalogService, type GatewaySelector } from './tool-catalog.service.js';
import { TtlCache } from './ttl-cache.js';

export interface CheckRequest {
  serverName: string;
  toolName: string;
  args?: unknown;
}

export interface CheckVerdict {
  decision: 'allow' | 'deny' | 'require_approval';
  reason: string;
  policyId: string | null;
  toolCallId: string;
  latencyMs: number;
}

/**
 * POST /v1/check (seed enforgate): a verdict for one call without proxying
 * it. The arguments are evaluated in memory and never stored; the verdict is
 * answered only once its audit entry is durable.
 */
@Injectable()
export class CheckService {
  private readonly connectorIds = new TtlCache<string | null>(5000);

  constructor(
    private readonly policies: EffectivePolicyService,
    private readonly audit: AuditLogWriter,
    private readonly catalogs: ToolCatalogService,
    private readonly pipeline: CallPipelineService,
    private readonly repo: DataplaneRepository,
  ) {}

  async check(p: Principal, req: CheckRequest, gateway: GatewaySelector): Promise<CheckVerdict> {
    const started = performance.now();
    await this.pipeline.rateLimit(p);
    const gatewayPolicyId = await this.catalogs
      .resolveGateway(p.orgId, gateway)
      .then((g) => g.policyId)
      .catch(() => null);
    const policy = await this.policies.resolve(p.orgId, { credentialPolicyId: p.policyId, gatewayPolicyId });
    const agentName = p.agentId ? await this.repo.agentName(p.orgId, p.agentId) : null;
    const verdict = evaluate(policy, {
      connector: req.serverName,
      tool: req.toolName,
      agent: p.agentId && agentName ? { id: p.agentId, name: agentName } : null,
      args: req.args,
    });
    const toolCallId = newId('aud');
    const connectorId = await this.connectorIds.get(`${p.orgId}:${req.serverName}`, () => this.repo.connectorIdByName(p.orgId, req.serverName));
    await this.audit.record({
      id: toolCallId,
      orgId: p.orgId,
      timestamp: new Date(),
      kind: 'check',
      connectorId,
      connectorName: req.serverName,
      toolName: req.toolName,
      agentId: p.agentId,
      credentialId: p.credentialId,
      gatewayId: null,
      decision: verdict.decision,
      reason: verdict.reason,
      policyId: verdict.policyId,
      ruleIndex: verdict.ruleIndex,
      durationMs: Math.round(performance.now() - started),
      success: null,
      errorCode: null,
    });
    return {
      decision: verdict.decision,
      reason: verdict.reason,
      policyId: verdict.policyId,
      toolCallId,
      latencyMs: Math.round(performance.now() - started),
    };
  }
}
