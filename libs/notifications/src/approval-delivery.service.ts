import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { approvalLinks, ApprovalsRepository, openApprovalToken, type Approval } from '@gatehouse/approvals';
import { createGuardedFetch } from '@gatehouse/connectors';
import type { DeliverApprovalPayload } from '@gatehouse/queue';
import { webhookPayload, slackPayload, type ApprovalLinks, type ApprovalNotice } from './approval-payload.js';
import { openChannelSecret } from './channel-secret.js';
import { NotificationChannelsRepository, type DeliveryAttempt, type SealedChannel } from './notification-channels.repository.js';
import { deliveryHeaders } from './webhook-signature.js';

/** Which run of the job this is: BullMQ counts, the service decides what the last one means. */
export interface AttemptInfo {
  attempt: number;
  maxAttempts: number;
}

export type DeliveryResult =
  | { kind: 'skipped'; reason: 'not_found' | 'not_pending' | 'no_channels' }
  | { kind: 'delivered'; channels: number };

/** Some channel did not take it: thrown so that the queue retries with backoff. */
export class NotificationDeliveryFailed extends Error {}

/** Retrying cannot help (the link token does not open): the job should fail for good. */
export class NotificationUndeliverable extends Error {}

const MAX_ERROR = 500;

interface SendOutcome {
  channelId: string;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Delivers one approval request to every enabled channel of its org that has
 * not taken it yet. Each POST is recorded as an attempt; a channel that took
 * it is never sent it again by a later retry, and a receiver that got it
 * twice anyway (a worker that died before recording) sees the same
 * Idempotency-Key both times.
 */
@Injectable()
export class ApprovalDeliveryService {
  private readonly logger = new Logger(ApprovalDeliveryService.name);
  private readonly fetch: typeof fetch;

  constructor(
    private readonly channels: NotificationChannelsRepository,
    private readonly approvals: ApprovalsRepository,
    @Inject(APP_CONFIG) private readonly env: Env,
  ) {
    this.fetch = createGuardedFetch(env.ALLOW_PRIVATE_UPSTREAMS);
  }

  async deliver(job: DeliverApprovalPayload, at: AttemptInfo): Promise<DeliveryResult> {
    const approval = await this.approvals.findById(job.orgId, job.approvalId);
    if (!approval) return { kind: 'skipped', reason: 'not_found' };
    if (approval.status !== 'pending' || approval.expiresAt.getTime() <= Date.now()) {
      // Nobody needs asking any more; what was already delivered stays said.
      if (approval.notificationState !== 'delivered') await this.approvals.setNotificationState(approval.id, 'none');
      return { kind: 'skipped', reason: 'not_pending' };
    }
    const enabled = await this.channels.enabledChannels(job.orgId);
    if (!enabled.length) {
      await this.approvals.setNotificationState(approval.id, 'none');
      return { kind: 'skipped', reason: 'no_channels' };
    }
    const done = await this.channels.deliveredChannelIds(approval.id);
    const todo = enabled.filter((c) => !done.has(c.id));
    if (!todo.length) {
      await this.approvals.setNotificationState(approval.id, 'delivered');
      return { kind: 'delivered', channels: enabled.length };
    }

    let links: ApprovalLinks;
    try {
      links = approvalLinks(this.env, openApprovalToken(this.env, approval.id, job.sealedToken));
    } catch {
      await this.approvals.setNotificationState(approval.id, 'dead');
      throw new NotificationUndeliverable(`approval ${approval.id}: the link token does not open (encryption key gone?)`);
    }
    const notice: ApprovalNotice = {
      id: approval.id,
      org: { id: approval.orgId, slug: await this.approvals.orgSlug(approval.orgId) },
      connector: approval.connectorName,
      tool: approval.toolName,
      agentId: approval.agentId,
      credentialId: approval.credentialId,
      reason: approval.reason,
      arguments: approval.argsSummary,
      expiresAt: approval.expiresAt,
      requestedAt: approval.createdAt,
    };

    const outcomes = await Promise.all(todo.map((channel) => this.send(channel, approval, notice, links)));
    const last = at.attempt >= at.maxAttempts;
    const failed = outcomes.filter((o) => !o.ok);
    await this.channels.recordAttempts(
      outcomes.map((o): DeliveryAttempt => ({
        approvalId: approval.id,
        channelId: o.channelId,
        attempt: at.attempt,
        outcome: o.ok ? 'delivered' : last ? 'dead' : 'failed',
        httpStatus: o.httpStatus,
        error: o.error,
        durationMs: o.durationMs,
      })),
    );
    if (!failed.length) {
      await this.approvals.setNotificationState(approval.id, 'delivered');
      this.logger.log(`approval ${approval.id}: delivered to ${todo.length} channel(s) on attempt ${at.attempt}`);
      return { kind: 'delivered', channels: enabled.length };
    }
    await this.approvals.setNotificationState(approval.id, last ? 'dead' : 'failed');
    const summary = failed.map((f) => `${f.channelId}: ${f.error ?? 'failed'}`).join('; ');
    throw new NotificationDeliveryFailed(
      `approval ${approval.id}: ${failed.length} of ${todo.length} channel(s) failed on attempt ${at.attempt}/${at.maxAttempts}${last ? ' (giving up)' : ''}: ${summary}`,
    );
  }

  /** One signed POST; never throws, the outcome says what happened. */
  private async send(channel: SealedChannel, approval: Approval, notice: ApprovalNotice, links: ApprovalLinks): Promise<SendOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const secret = openChannelSecret(this.env, channel.orgId, channel.id, channel.secretEnc);
      const body = JSON.stringify(channel.type === 'slack' ? slackPayload(notice, links) : webhookPayload(notice, links));
      const headers = deliveryHeaders({ secret, body, timestamp: Math.floor(Date.now() / 1000), approvalId: approval.id, channelId: channel.id });
      const res = await this.fetch(channel.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.env.NOTIFICATION_TIMEOUT_MS) });
      await res.body?.cancel().catch(() => undefined);
      const ok = res.status >= 200 && res.status < 300;
      return { channelId: channel.id, ok, httpStatus: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: elapsed() };
    } catch (err) {
      return { channelId: channel.id, ok: false, httpStatus: null, error: this.describe(err), durationMs: elapsed() };
    }
  }

  /** Why a POST failed, without the URL (a Slack webhook URL is itself a secret). */
  private describe(err: unknown): string {
    if (!(err instanceof Error)) return 'request failed';
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timed out after ${this.env.NOTIFICATION_TIMEOUT_MS} ms`;
    const cause = (err as Error & { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string' ? cause.code : null;
    const text = code ? `${err.message} (${code})` : err.message;
    return text.slice(0, MAX_ERROR);
  }
}
