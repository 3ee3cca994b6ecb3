import { Injectable } from '@nestjs/common';
import { newId, type ChangeAwareCache } from '@gatehouse/common';
import { DataChangeFeed } from '@gatehouse/db';
import { ApprovalsService, standingReason, type Approval } from '@gatehouse/approvals';
import { AuditLogWriter } from '@gatehouse/audit';
import type { Principal } from '@gatehouse/credentials';
import { EffectivePolicyService, evaluate, type Verdict } from '@gatehouse/policy';
import { allowBecause, CallPipelineService } from './call-pipeline.service.js';
import { DataplaneRepository } from './dataplane.repository.js';
import { ToolCatalogService, type GatewaySelector } from './tool-catalog.service.js';

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
  /** With require_approval: the approval a person has been asked for (retry the check once it is approved). */
  approvalId?: string;
}

/**
 * POST /v1/check (seed enforgate): a verdict for one call without proxying
 * it. The arguments are evaluated in memory and never stored; the verdict is
 * answered only once its audit entry is durable.
 */
@Injectable()
export class CheckService {
  private readonly connectorIds: ChangeAwareCache<string | null>;

  constructor(
    private readonly policies: EffectivePolicyService,
    private readonly audit: AuditLogWriter,
    private readonly catalogs: ToolCatalogService,
    private readonly pipeline: CallPipelineService,
    private readonly repo: DataplaneRepository,
    private readonly approvals: ApprovalsService,
    changes: DataChangeFeed,
  ) {
    this.connectorIds = changes.cache();
  }

  async check(p: Principal, req: CheckRequest, gateway: GatewaySelector): Promise<CheckVerdict> {
    const started = performance.now();
    // The limit's Redis round trip overlaps the lookups; it is settled before anything is written.
    const limited = this.pipeline.rateLimit(p);
    limited.catch(() => undefined);
    // No gateway at all means no gateway policy; one the request names that does not exist is a 404, and one that cannot
    // be read fails the check (500): neither falls back to the org's policy.
    const gatewayPolicyId = await this.catalogs.gatewayPolicyId(p.orgId, { ...gateway, credentialGatewayId: p.gatewayId });
    const policy = await this.policies.resolve(p.orgId, { credentialPolicyId: p.policyId, gatewayPolicyId });
    const agent = await this.pipeline.agentOf(p);
    let verdict: Verdict = evaluate(policy, {
      connector: req.serverName,
      tool: req.toolName,
      agent,
      args: req.args,
    });
    await limited;
    const toolCallId = newId('aud');
    const connectorId = await this.connectorIds.get(`${p.orgId}:${req.serverName}`, () => this.repo.connectorIdByName(p.orgId, req.serverName));
    let approvalId: string | undefined;
    let spent: Approval | undefined;
    if (verdict.decision === 'require_approval') {
      const gate = await this.approvals.gate({
        source: 'check', orgId: p.orgId, credentialId: p.credentialId, agentId: p.agentId, gatewayId: null, connectorId,
        connectorName: req.serverName, toolName: req.toolName, args: req.args, reason: verdict.reason, policyId: verdict.policyId,
      });
      if (gate.kind === 'granted') verdict = allowBecause(verdict, standingReason(gate));
      else if (gate.kind === 'approved') {
        verdict = allowBecause(verdict, standingReason(gate));
        spent = gate.approval;
      } else if (gate.kind === 'refused') verdict = { ...verdict, decision: 'deny', reason: `${verdict.reason}; approval required but ${gate.reason}` };
      else {
        approvalId = gate.approval.id;
        verdict = { ...verdict, reason: `${verdict.reason}; approval ${approvalId} pending` };
      }
    }
    try {
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
    } catch (err) {
      // Without its audit entry the check has no answer (500), and a one-time approval it used is given back.
      if (spent) await this.pipeline.giveBack(spent);
      throw err;
    }
    return {
      decision: verdict.decision,
      reason: verdict.reason,
      policyId: verdict.policyId,
      toolCallId,
      latencyMs: Math.round(performance.now() - started),
      ...(approvalId ? { approvalId } : {}),
    };
  }
}
