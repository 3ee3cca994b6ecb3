import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { ConflictError, DomainError, ForbiddenError, newId, NotFoundError, toPage, type Page } from '@gatehouse/common';
import { AdminAuditService, type AuditActor } from '@gatehouse/audit';
import { ApprovalEvents } from './approval-events.js';
import { ApprovalNotificationsQueue } from './approval-notifications.queue.js';
import { approvalTokenHash, newApprovalToken, sealApprovalToken } from './approval-token.js';
import { argNamesOnly, argsDigest, grantExpiry, summarizeArgs, type ApprovalAction, type ApprovalDuration } from './approval.rules.js';
import {
  ApprovalsRepository,
  type Approval,
  type ApprovalDeliveryAttempt,
  type ApprovalFilter,
  type CallKey,
  type Grant,
} from './approvals.repository.js';

/** How long after the decision a one-time approval can still be redeemed by a retry (when its request has expired by then). */
const ONE_TIME_WINDOW_MS = 15 * 60_000;

/** A call a policy sent to a person. */
export interface ApprovalRequest {
  source: 'mcp' | 'check';
  orgId: string;
  credentialId: string;
  agentId: string | null;
  gatewayId: string | null;
  connectorId: string | null;
  connectorName: string;
  toolName: string;
  args: unknown;
  /** The policy's reason (`matched rule 2 of policy "prod"`). */
  reason: string;
  policyId: string | null;
}

export type GateOutcome =
  /** A standing grant lets it through. */
  | { kind: 'granted'; grant: Grant }
  /** A one-time approval of exactly this call, now used up by it. */
  | { kind: 'approved'; approval: Approval }
  /** Waiting for a person; `created` is false when an earlier identical request is still open. */
  | { kind: 'pending'; approval: Approval; created: boolean }
  /** Nobody could be asked: the request was refused rather than left unseen. */
  | { kind: 'refused'; approval: Approval; reason: string };

/** `used`: approved once, and that one call was another one (a concurrent identical call). */
/** Why a `require_approval` call goes on without asking (for the audit entry and the verdict's reason). */
export function standingReason(gate: Extract<GateOutcome, { kind: 'granted' | 'approved' }>): string {
  return gate.kind === 'granted' ? `allowed by grant ${gate.grant.id}` : `approved (${gate.approval.id})`;
}

export type HoldOutcome = 'approved' | 'denied' | 'expired' | 'pending' | 'used';

export interface Decider {
  /** `link` for the public link, else the deciding credential's id. */
  id: string;
  actor: AuditActor | null;
}

export class ApprovalGoneError extends DomainError {
  constructor() {
    super('gone', 'approval_link_gone', 'This approval link has been used or has expired');
  }
}

/**
 * SPEC §4 Approvals: asking (with a single-use, hashed link token and a
 * queued notification), holding the call until a person decides on any
 * replica, one-time approvals matched to the exact call, and grants.
 */
@Injectable()
export class ApprovalsService {
  private readonly logger = new Logger(ApprovalsService.name);
  private readonly digestKey: Buffer;

  constructor(
    private readonly repo: ApprovalsRepository,
    private readonly events: ApprovalEvents,
    private readonly notifications: ApprovalNotificationsQueue,
    private readonly adminAudit: AdminAuditService,
    @Inject(APP_CONFIG) private readonly env: Env,
  ) {
    // A key of its own, derived so that the digest of arguments cannot be turned into anything else.
    this.digestKey = createHash('sha256').update('gatehouse/approval-args-digest/').update(Buffer.from(env.ENCRYPTION_KEY, 'base64')).digest();
  }

  /** What a `require_approval` decision leads to for this call. */
  async gate(req: ApprovalRequest): Promise<GateOutcome> {
    const now = new Date();
    const key: CallKey = { orgId: req.orgId, credentialId: req.credentialId, connectorName: req.connectorName, toolName: req.toolName };
    const grant = await this.repo.activeGrant(key, now);
    if (grant) return { kind: 'granted', grant };
    const digest = argsDigest(this.digestKey, req.args);
    const approved = await this.repo.findUnconsumedApproval(key, digest, now, ONE_TIME_WINDOW_MS);
    if (approved && (await this.repo.consume(approved.id, now))) return { kind: 'approved', approval: approved };
    const open = await this.repo.findPending(key, digest, now);
    if (open) return { kind: 'pending', approval: open, created: false };
    return this.ask(req, key, digest, now);
  }

  private async ask(req: ApprovalRequest, key: CallKey, digest: string, now: Date): Promise<GateOutcome> {
    const ttl = await this.repo.orgApprovalTtlSeconds(req.orgId);
    const { token, hash } = newApprovalToken();
    const { approval, created } = await this.repo.findOrCreatePending(key, digest, now, () => ({
      id: newId('appr'),
      orgId: req.orgId,
      tokenHash: hash,
      source: req.source,
      credentialId: req.credentialId,
      credentialName: null,
      agentId: req.agentId,
      gatewayId: req.gatewayId,
      connectorId: req.connectorId,
      connectorName: req.connectorName,
      toolName: req.toolName,
      argsSummary: req.source === 'check' ? argNamesOnly(req.args) : summarizeArgs(req.args),
      argsDigest: digest,
      reason: req.reason,
      policyId: req.policyId,
      expiresAt: new Date(now.getTime() + ttl * 1000),
    }));
    // An identical call asked a moment ago: this one waits on that approval (its link is already on its way).
    if (!created) return { kind: 'pending', approval, created: false };
    try {
      await this.notifications.enqueue({ approvalId: approval.id, orgId: approval.orgId, sealedToken: sealApprovalToken(this.env, approval.id, token) });
    } catch (err) {
      const reason = 'nobody could be notified (the notification queue is unavailable), so the call was refused';
      this.logger.error(`approval ${approval.id}: ${reason}: ${(err as Error).message}`);
      await this.repo.refuse(approval.id, reason, new Date());
      return { kind: 'refused', approval: { ...approval, status: 'denied', decisionNote: reason }, reason };
    }
    return { kind: 'pending', approval, created: true };
  }

  /**
   * Holds a call until its approval is decided, for at most `ms` (and never
   * past the approval's expiry). An approval lets the held call through once.
   */
  async hold(approval: Approval, ms: number, signal: AbortSignal): Promise<HoldOutcome> {
    const wait = Math.max(0, Math.min(ms, approval.expiresAt.getTime() - Date.now()));
    const stored = async () => {
      const a = await this.repo.findById(approval.orgId, approval.id);
      return a && a.status !== 'pending' ? { status: a.status, grant: a.grantId !== null } : null;
    };
    const event = wait > 0 ? await this.events.wait(approval.id, wait, signal, stored) : await stored();
    if (event?.status === 'approved') {
      // A grant (1h/8h/24h) covers every call; a one-time approval exactly one.
      if (event.grant || (await this.repo.consume(approval.id, new Date()))) return 'approved';
      return 'used';
    }
    if (event) return event.status;
    if (approval.expiresAt.getTime() <= Date.now()) return 'expired';
    return 'pending';
  }

  /**
   * Gives back a one-time approval whose call was not made after all (its
   * audit entry could not be written): the agent's retry of the same call
   * goes through on it instead of asking a person again. Nothing for a grant.
   */
  async giveBack(approval: Approval): Promise<void> {
    await this.repo.unconsume(approval.orgId, approval.id);
  }

  /** The pending approval behind a link, for the page; gone once used or expired. */
  async forLink(token: string): Promise<Approval & { orgSlug: string | null }> {
    const hash = approvalTokenHash(token);
    const approval = hash ? await this.repo.findByTokenHash(hash) : null;
    if (!approval || approval.status !== 'pending' || approval.expiresAt.getTime() <= Date.now()) throw new ApprovalGoneError();
    return { ...approval, orgSlug: await this.repo.orgSlug(approval.orgId) };
  }

  /** Decides through the public link: the token is single-use; used or expired → 410. */
  async decideByToken(token: string, action: ApprovalAction, duration: ApprovalDuration): Promise<Approval> {
    const hash = approvalTokenHash(token);
    const decided = hash ? await this.decide({ tokenHash: hash }, action, duration, { id: 'link', actor: null }) : null;
    if (!decided) throw new ApprovalGoneError();
    return decided;
  }

  /** Decides through the API (`approvals:decide`): 404 for another org's, 409 once decided or expired. */
  async decideById(orgId: string, id: string, action: ApprovalAction, duration: ApprovalDuration, decider: Decider): Promise<Approval> {
    const decided = await this.decide({ id, orgId }, action, duration, decider);
    if (decided) return decided;
    const existing = await this.repo.findById(orgId, id);
    if (!existing) throw new NotFoundError('approval', id);
    if (existing.status === 'pending' && existing.credentialId === decider.id && existing.expiresAt.getTime() > Date.now()) {
      throw new ForbiddenError('A credential cannot decide an approval its own call asked for', 'approval_self_decision');
    }
    const state = existing.status === 'pending' ? 'expired' : existing.status;
    throw new ConflictError('approval_already_decided', `Approval ${id} is ${state} and can no longer be decided`);
  }

  private async decide(where: { id: string; orgId: string } | { tokenHash: string }, action: ApprovalAction, duration: ApprovalDuration, decider: Decider): Promise<Approval | null> {
    const now = new Date();
    const expiry = action === 'approve' ? grantExpiry(duration, now) : null;
    const decided = await this.repo.decide(
      where,
      {
        status: action === 'approve' ? 'approved' : 'denied',
        decidedBy: decider.id,
        duration: action === 'approve' ? duration : null,
        note: null,
        grant: expiry ? { id: newId('grant'), expiresAt: expiry } : null,
      },
      now,
    );
    if (!decided) return null;
    await this.events.publish(decided.id, { status: decided.status === 'approved' ? 'approved' : 'denied', grant: decided.grantId !== null });
    await this.adminAudit.record(decided.orgId, decider.actor ?? { type: 'approval_link', id: 'link' }, action === 'approve' ? 'approve' : 'deny', 'approval', decided.id);
    return decided;
  }

  async list(orgId: string, filter: ApprovalFilter, limit: number, cursor?: string): Promise<Page<Approval>> {
    return toPage(await this.repo.list(orgId, filter, limit, cursor), limit);
  }

  async get(orgId: string, id: string): Promise<Approval & { deliveries: ApprovalDeliveryAttempt[] }> {
    const approval = await this.repo.findById(orgId, id);
    if (!approval) throw new NotFoundError('approval', id);
    return { ...approval, deliveries: await this.repo.deliveries(id) };
  }

  async listGrants(orgId: string, filter: { active?: boolean; credentialId?: string }, limit: number, cursor?: string): Promise<Page<Grant>> {
    return toPage(await this.repo.listGrants(orgId, filter, new Date(), limit, cursor), limit);
  }

  async getGrant(orgId: string, id: string): Promise<Grant> {
    const grant = await this.repo.findGrant(orgId, id);
    if (!grant) throw new NotFoundError('grant', id);
    return grant;
  }

  /** Ends a grant at once; revoking a revoked grant is a no-op answering the grant. */
  async revokeGrant(orgId: string, id: string, actor: AuditActor): Promise<Grant> {
    const revoked = await this.repo.revokeGrant(orgId, id, actor.id, new Date());
    if (!revoked) return this.getGrant(orgId, id);
    await this.adminAudit.record(orgId, actor, 'revoke', 'grant', id);
    return revoked;
  }

  /** Worker duty: pending approvals past their TTL expire (held calls are woken) and long-ended grants go. */
  async expireStale(): Promise<{ expired: number; purgedGrants: number }> {
    const now = new Date();
    let expired = 0;
    for (;;) {
      const batch = await this.repo.expireStale(now);
      expired += batch.length;
      await Promise.all(batch.map((a) => this.events.publish(a.id, { status: 'expired', grant: false })));
      if (batch.length < 1000) break;
    }
    const purgedGrants = await this.repo.purgeEndedGrants(new Date(now.getTime() - 30 * 24 * 3600_000));
    return { expired, purgedGrants };
  }
}
