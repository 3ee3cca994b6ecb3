import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApprovalsService, standingReason, type Approval, type HoldOutcome } from '@gatehouse/approvals';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { newId, RateLimitedError, type ChangeAwareCache } from '@gatehouse/common';
import { AuditLogWriter, type NewAuditEntry } from '@gatehouse/audit';
import { ConnectorsService } from '@gatehouse/connectors';
import { DataChangeFeed } from '@gatehouse/db';
import type { Principal } from '@gatehouse/credentials';
import { evaluateGuardrails, evaluateGuardrailsParts, type Finding, type GuardrailsConfig, type GuardrailsVerdict } from '@gatehouse/guardrails';
import { EffectivePolicyService, evaluate, type Verdict } from '@gatehouse/policy';
import { RateLimitService, type LimitSpec, type Reservation } from '@gatehouse/rate-limit';
import { DataplaneRepository } from './dataplane.repository.js';
import { ToolCatalogService, type Catalog, type CatalogTool, type GatewaySelector, type Omission } from './tool-catalog.service.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { DatabasePool } from './database-pool.js';
import { UpstreamPool, UpstreamUnavailable } from './upstream-pool.js';

export interface CallContext {
  principal: Principal;
  gateway: GatewaySelector;
  /** The HTTP request carrying the call, for the log lines it causes. */
  requestId?: string;
  /**
   * The rate limit of this request's one tools/call, already on its way to
   * Redis (started alongside the session lookup); taken by the first call.
   */
  limit?: { pending: Promise<void> | undefined };
  /** This request's one tools/call, begun before the MCP server dispatched it (`CallPipelineService.prepare`). */
  prepared?: PreparedCall;
}

/** A call begun by `prepare`: claimed by the server's handler, or abandoned when its request ends without one. */
export interface PreparedCall {
  name: string;
  limit: TakenLimit;
  begun: Promise<Begun>;
  state: 'pending' | 'claimed' | 'abandoned';
}

/** The call's rate limit as taken when it began: waited for, or (far from the limit) reserved and sent after the answer. */
interface TakenLimit {
  waited: Settling | null;
  reserved: Reservation | null;
}

/** What `begin` decided; a call that goes ahead on the policy alone has its entry on its way (`ahead`). */
interface Begun {
  started: number;
  catalog: Catalog;
  tool: CatalogTool;
  args: Record<string, unknown>;
  verdict: Verdict;
  input: GuardrailsVerdict | null;
  ahead?: { base: NewAuditEntry; args: Record<string, unknown>; audited: Promise<boolean> };
}

export class UnknownToolError extends Error {}

const errorResult = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });

/**
 * tools/call, SPEC §4: policy → input guardrails → durable audit entry →
 * upstream (pooled session, timeout, breaker) → output guardrails → audit
 * outcome. Every refusal and every upstream failure is an MCP error result
 * with the reason; nothing reaches the upstream that could not be recorded.
 */
@Injectable()
export class CallPipelineService {
  private readonly logger = new Logger(CallPipelineService.name);
  private readonly agentNames: ChangeAwareCache<string | null>;

  constructor(
    private readonly catalogs: ToolCatalogService,
    private readonly policies: EffectivePolicyService,
    private readonly audit: AuditLogWriter,
    private readonly pool: UpstreamPool,
    private readonly databases: DatabasePool,
    private readonly breaker: CircuitBreaker,
    private readonly connectors: ConnectorsService,
    private readonly limits: RateLimitService,
    private readonly repo: DataplaneRepository,
    private readonly approvals: ApprovalsService,
    changes: DataChangeFeed,
    @Inject(APP_CONFIG) private readonly env: Env,
  ) {
    this.agentNames = changes.cache();
  }

  /**
   * The tools the caller may see: the gateway's catalog without the tools of
   * connectors whose calls are paused on this replica (their breaker is open),
   * so that an agent is not offered what would fail at once. What is left out,
   * and why, goes to the audit log without the listing waiting for it. A
   * listing counts against the caller's limits as a call does.
   */
  async listTools(ctx: CallContext): Promise<CatalogTool[]> {
    const limit = this.takeLimit(ctx);
    try {
      const catalog = await this.catalogs.catalog(ctx.principal.orgId, ctx.gateway);
      await limit.waited?.promise;
      const tools: CatalogTool[] = [];
      const omitted = [...catalog.omitted];
      const paused = new Set<string>();
      for (const tool of catalog.tools.values()) {
        const c = tool.connector;
        if (!this.breaker.isOpen(c.id)) tools.push(tool);
        else if (!paused.has(c.id)) {
          paused.add(c.id);
          omitted.push({ connectorName: c.name, connectorId: c.id, reason: 'connector failing: calls are paused (circuit open)' });
        }
      }
      this.recordOmissions(ctx, catalog.gateway.id, omitted);
      return tools;
    } finally {
      this.release(limit);
    }
  }

  async call(ctx: CallContext, name: string, rawArgs: Record<string, unknown> | undefined, signal: AbortSignal): Promise<CallToolResult> {
    const prepared = ctx.prepared?.name === name ? ctx.prepared : undefined;
    if (prepared?.state === 'abandoned') return errorResult('The call was not made: the client went away.');
    if (prepared) prepared.state = 'claimed';
    const limit = prepared?.limit ?? this.takeLimit(ctx);
    try {
      return await this.proceed(ctx, await (prepared?.begun ?? this.begin(ctx, name, rawArgs, limit)), limit, signal);
    } finally {
      this.release(limit);
    }
  }

  /**
   * Begins a lone tools/call as soon as its request is authenticated, before
   * the MCP server has parsed and dispatched it: the decision is made and,
   * for a call that goes ahead, its audit entry starts on its way to
   * Postgres, so that the durable write overlaps the dispatch instead of
   * following it. Nothing reaches the upstream until the call is claimed
   * (`call` with the same name, from the server's handler); one never
   * claimed is `abandon`ed. Resolves once the entry has been handed to the
   * writer (or nothing was to be written).
   */
  prepare(ctx: CallContext, name: string, rawArgs: Record<string, unknown> | undefined): Promise<void> {
    const limit = this.takeLimit(ctx);
    const begun = this.begin(ctx, name, rawArgs, limit);
    // Its failure (an unknown tool, a refused limit) is the claiming call's to report.
    begun.catch(() => undefined);
    ctx.prepared = { name, limit, begun, state: 'pending' };
    return begun.then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * The request of a prepared call has ended without the server handing the
   * call over (an invalid request, a client gone before dispatch): its limit
   * is counted, and an entry already written says the call was not made.
   */
  abandon(ctx: CallContext): void {
    const prepared = ctx.prepared;
    if (prepared?.state !== 'pending') return;
    prepared.state = 'abandoned';
    this.release(prepared.limit);
    void prepared.begun.then(
      async (begun) => {
        if (!begun.ahead || !(await begun.ahead.audited.catch(() => false))) return;
        void this.audit.complete({ id: begun.ahead.base.id, durationMs: Math.round(performance.now() - begun.started), success: false, errorCode: 'not_dispatched' });
      },
      () => undefined,
    );
  }

  /**
   * The call's rate limit. The limit's Redis round trip overlaps the lookups, and for a call that goes ahead the
   * audit write too. Far from the limit (Redis said so within the last second), the consume is reserved at once, so
   * that concurrent calls see it, and a call that goes ahead does not wait for it at all: it is sent after the
   * answer with the others of the next few milliseconds (`release`, see RateLimitService.hasRoom), where neither its
   * write nor its reply's wake-up delays a call.
   */
  private takeLimit(ctx: CallContext): TakenLimit {
    const pre = takePending(ctx);
    const limits = pre === undefined ? this.limitsOf(ctx.principal) : null;
    const reserved = limits && this.limits.hasRoom(limits) ? this.limits.reserve(limits) : null;
    return { waited: reserved ? null : settling(pre ?? this.rateLimit(ctx.principal)), reserved };
  }

  /**
   * Every call is counted, as when it waited for its limit: one that stopped early (an unknown tool, a lookup or the
   * audit write failing) too. Sending twice sends once; a consume nobody waits for leaves with the others of the next
   * few milliseconds, after the answer.
   */
  private release(limit: TakenLimit): void {
    limit.reserved?.sendLater();
  }

  /**
   * The decision on a call: its tool, the policy's verdict and the input
   * guardrails. A call that goes ahead on the policy alone (no approval,
   * nothing blocked) has its entry written from here; everything else is
   * left to `proceed`.
   */
  private async begin(ctx: CallContext, name: string, rawArgs: Record<string, unknown> | undefined, limit: TakenLimit): Promise<Begun> {
    const started = performance.now();
    const p = ctx.principal;
    // After a pause (these caches hold a second, the agent's name a minute) each lookup is a database round trip:
    // the agent's name and the policy lookups that do not depend on the gateway run alongside the gateway's.
    const agentOf = this.agentOf(p);
    agentOf.catch(() => undefined);
    this.policies.prefetch(p.orgId, p.policyId);
    const catalog = await this.catalogs.catalog(p.orgId, ctx.gateway);
    const tool = catalog.tools.get(name);
    if (!tool) throw new UnknownToolError(`Unknown tool: ${name}`);
    const args = rawArgs ?? {};
    const agent = await agentOf;
    const policy = await this.policies.resolve(p.orgId, { credentialPolicyId: p.policyId, gatewayPolicyId: catalog.gateway.policyId });
    const verdict: Verdict = evaluate(policy, { connector: tool.connector.name, tool: tool.toolName, agent, args });
    // Already known to be over the limit (this replica saw it refused): no screening for a call that will not be made.
    if (limit.waited?.refused) await limit.waited.promise;
    // Screened before anyone is asked: a person never approves what the guardrails would block,
    // and a one-time approval is never spent on a call they refuse.
    const input = verdict.decision !== 'deny' && tool.input?.enabled ? evaluateGuardrails(args, tool.input) : null;
    const begun: Begun = { started, catalog, tool, args, verdict, input };
    if (verdict.decision !== 'allow' || input?.action === 'block') return begun;
    const base = this.entry(ctx, catalog, tool, verdict);
    const elapsed = () => Math.round(performance.now() - started);
    // Durable before the upstream sees anything: fail closed.
    const audited = this.recordBeforeCall({ ...base, findings: input?.findings.length ? summarize(input.findings) : undefined }, ctx, limit.waited, elapsed);
    audited.catch(() => undefined);
    return { ...begun, ahead: { base, args: input?.action === 'redact' ? (input.redacted as Record<string, unknown>) : args, audited } };
  }

  private async proceed(ctx: CallContext, begun: Begun, limit: TakenLimit, signal: AbortSignal): Promise<CallToolResult> {
    const p = ctx.principal;
    const { catalog, tool, input } = begun;
    let { args, verdict } = begun;
    const elapsed = () => Math.round(performance.now() - begun.started);

    let spent: Approval | undefined;
    let base: NewAuditEntry;
    let audited: boolean;
    if (begun.ahead) {
      ({ base, args } = begun.ahead);
      audited = await begun.ahead.audited;
    } else {
      // Nothing is written for a refusal, nor anyone asked, over the limit.
      const waited = limit.waited ?? settling(limit.reserved?.send() ?? this.rateLimit(p));
      await waited.promise;
      if (verdict.decision === 'deny') {
        await this.recordOrFail({ ...this.entry(ctx, catalog, tool, verdict), durationMs: elapsed(), success: false, errorCode: 'denied' }, ctx);
        return errorResult(`Denied by policy: ${verdict.reason}`);
      }
      if (input?.action === 'block') {
        await this.recordOrFail({
          ...this.entry(ctx, catalog, tool, verdict), decision: 'block', durationMs: elapsed(), success: false, errorCode: 'input_blocked', findings: summarize(input.findings),
        }, ctx);
        return errorResult(`Blocked by input guardrail (${(input.blocked_by ?? []).join(', ')}): the arguments were not sent upstream.`);
      }
      if (input?.action === 'redact') args = input.redacted as Record<string, unknown>;
      if (verdict.decision === 'require_approval') {
        const approved = await this.approve(ctx, catalog, tool, verdict, args, signal, elapsed);
        if (!approved.ok) return approved.result;
        verdict = approved.verdict;
        spent = approved.spent;
      }
      base = this.entry(ctx, catalog, tool, verdict);
      // Durable before the upstream sees anything: fail closed.
      audited = await this.recordBeforeCall({ ...base, findings: input?.findings.length ? summarize(input.findings) : undefined }, ctx, waited, elapsed);
    }
    if (!audited) {
      // A one-time approval is not used up by a call that was not made: the retry goes through on it.
      if (spent) await this.giveBack(spent);
      return errorResult('The call was not made: the audit log is unavailable (Gatehouse fails closed).');
    }

    let result: CallToolResult;
    try {
      result = answerOf(await this.forward(p.orgId, tool, args, signal));
    } catch (err) {
      const code = err instanceof UpstreamUnavailable ? err.code : 'upstream_error';
      // The reason can quote the upstream (its JSON-RPC error, the start of an HTTP error body): screened like its answers.
      const reason = tool.output?.enabled ? screenedText((err as Error).message, tool.output) : { text: (err as Error).message, findings: [] };
      // The outcome's findings replace those written with the entry: the input's go again.
      const findings = [...(input?.findings ?? []), ...reason.findings];
      void this.audit.complete({ id: base.id, durationMs: elapsed(), success: false, errorCode: code, findings: findings.length ? summarize(findings) : undefined });
      return errorResult(`Upstream ${tool.connector.name} failed (${code}): ${reason.text}`);
    }

    // Everything the agent will read is screened: the content blocks and, where the upstream sends it, the same
    // answer as structured data (the built-in Postgres connector sends its rows in both).
    const output = tool.output?.enabled ? evaluateGuardrailsParts(screened(result), tool.output) : null;
    const findings = [...(input?.findings ?? []), ...(output?.findings ?? [])];
    if (output?.action === 'block') {
      void this.audit.complete({ id: base.id, durationMs: elapsed(), success: false, errorCode: 'output_blocked', findings: summarize(findings) });
      return errorResult(`Blocked by output guardrail (${(output.blocked_by ?? []).join(', ')}): the upstream's answer was withheld.`);
    }
    if (output?.action === 'redact') result = { ...result, ...(output.redacted as Screened) };
    void this.audit.complete({
      id: base.id,
      durationMs: elapsed(),
      success: result.isError !== true,
      errorCode: result.isError ? 'tool_error' : null,
      findings: findings.length ? summarize(findings) : undefined,
    });
    return result;
  }

  /**
   * `require_approval`: a grant or a one-time approval of this exact call lets
   * it through; otherwise a person is asked and the call is held until they
   * decide (at most APPROVAL_HOLD_SECONDS). The agent learns the approval id,
   * never the link.
   */
  private async approve(
    ctx: CallContext,
    catalog: Catalog,
    tool: CatalogTool,
    verdict: Verdict,
    args: Record<string, unknown>,
    signal: AbortSignal,
    elapsed: () => number,
  ): Promise<{ ok: true; verdict: Verdict; spent?: Approval } | { ok: false; result: CallToolResult }> {
    const p = ctx.principal;
    const gate = await this.approvals.gate({
      source: 'mcp', orgId: p.orgId, credentialId: p.credentialId, agentId: p.agentId, gatewayId: catalog.gateway.id, connectorId: tool.connector.id,
      connectorName: tool.connector.name, toolName: tool.toolName, args, reason: verdict.reason, policyId: verdict.policyId,
    });
    if (gate.kind === 'granted') return { ok: true, verdict: allowBecause(verdict, standingReason(gate)) };
    if (gate.kind === 'approved') return { ok: true, verdict: allowBecause(verdict, standingReason(gate)), spent: gate.approval };
    const asked = this.entry(ctx, catalog, tool, { ...verdict, reason: `${verdict.reason}; approval ${gate.approval.id}` });
    if (gate.kind === 'refused') {
      await this.recordOrFail({ ...asked, durationMs: elapsed(), success: false, errorCode: 'approval_unavailable' }, ctx);
      return { ok: false, result: errorResult(`Approval required (${verdict.reason}), but ${gate.reason}. Approval ${gate.approval.id} was denied.`) };
    }
    if (!(await this.recordOrFail(asked, ctx))) {
      return { ok: false, result: errorResult('The call was not made: the audit log is unavailable (Gatehouse fails closed).') };
    }
    const outcome = await this.approvals.hold(gate.approval, this.env.APPROVAL_HOLD_SECONDS * 1000, signal);
    void this.audit.complete({ id: asked.id, durationMs: elapsed(), success: outcome === 'approved', errorCode: outcome === 'approved' ? null : `approval_${outcome}` });
    if (outcome === 'approved') return { ok: true, verdict: allowBecause(verdict, `approved (${gate.approval.id})`), spent: gate.approval };
    return { ok: false, result: errorResult(heldMessage(gate.approval, outcome, verdict.reason)) };
  }

  private async forward(orgId: string, tool: CatalogTool, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const c = tool.connector;
    if (c.type === 'postgresql') {
      const config = async () => {
        const opened = await this.connectors.openConfig(orgId, c.id);
        if (opened.type !== 'postgresql') throw new UpstreamUnavailable('upstream_error', 'connector type changed');
        return opened.config;
      };
      const rows = await this.databases.run(c.id, c.configVersion, config, tool.toolName, args, signal);
      return { content: [{ type: 'text', text: JSON.stringify(rows) }], structuredContent: { ...rows } };
    }
    return this.pool.callTool(
      c.id,
      c.configVersion,
      async () => {
        const config = await this.connectors.openConfig(orgId, c.id);
        if (config.type === 'postgresql') throw new Error('connector type changed');
        return config;
      },
      tool.toolName,
      args,
      signal,
      this.env.UPSTREAM_CALL_TIMEOUT_MS,
    );
  }

  private entry(ctx: CallContext, catalog: Catalog, tool: CatalogTool, verdict: Verdict): NewAuditEntry {
    const p = ctx.principal;
    return {
      id: newId('aud'),
      orgId: p.orgId,
      timestamp: new Date(),
      kind: 'call',
      connectorId: tool.connector.id,
      connectorName: tool.connector.name,
      toolName: tool.toolName,
      agentId: p.agentId,
      credentialId: p.credentialId,
      gatewayId: catalog.gateway.id,
      decision: verdict.decision,
      reason: verdict.reason,
      policyId: verdict.policyId,
      ruleIndex: verdict.ruleIndex,
      durationMs: null,
      success: null,
      errorCode: null,
    };
  }

  /**
   * The entry of a call that goes ahead, written while its rate limit is
   * still on its way back from Redis (one round trip fewer on the call's
   * path). Over the limit, the call is not made and its entry says so
   * (`rate_limited`). (A limit already known to be refused never gets here;
   * one known to have room, `null`, is not waited for.)
   */
  private async recordBeforeCall(entry: NewAuditEntry, ctx: CallContext, limit: Settling | null, elapsed: () => number): Promise<boolean> {
    const writing = this.recordOrFail(entry, ctx);
    if (!limit) return writing;
    try {
      await limit.promise;
    } catch (err) {
      // The refusal answers at once; the outcome follows the entry (an UPDATE before its INSERT would find nothing).
      const errorCode = err instanceof RateLimitedError ? 'rate_limited' : 'rate_limit_unavailable';
      void writing.then((ok) => {
        if (ok) void this.audit.complete({ id: entry.id, durationMs: elapsed(), success: false, errorCode });
      });
      throw err;
    }
    return writing;
  }

  /** Gives a one-time approval back; a failure only costs the agent a new approval, so it is logged, not thrown. */
  async giveBack(approval: Approval): Promise<void> {
    await this.approvals.giveBack(approval).catch((err: unknown) => {
      this.logger.error(`approval ${approval.id} stays used although its call was not made: ${(err as Error).message}`);
    });
  }

  /** false when the audit log could not take the entry. */
  private async recordOrFail(entry: NewAuditEntry, ctx: CallContext): Promise<boolean> {
    try {
      await this.audit.record(entry);
      return true;
    } catch (err) {
      this.logger.error({ request_id: ctx.requestId, org_id: entry.orgId }, `audit write failed, refusing the call: ${(err as Error).message}`);
      return false;
    }
  }

  private recordOmissions(ctx: CallContext, gatewayId: string, omitted: Omission[]): void {
    const p = ctx.principal;
    for (const o of omitted) {
      this.audit
        .record({
          id: newId('aud'), orgId: p.orgId, timestamp: new Date(), kind: 'list', connectorId: o.connectorId, connectorName: o.connectorName,
          toolName: null, agentId: p.agentId, credentialId: p.credentialId, gatewayId, decision: 'omitted', reason: o.reason,
          policyId: null, ruleIndex: null, durationMs: null, success: null, errorCode: null,
        })
        .catch((err: unknown) => this.logger.warn({ request_id: ctx.requestId, org_id: p.orgId }, `audit of a listing's omission not written: ${(err as Error).message}`));
    }
  }

  /** The credential's agent as policies see it, kept until the org's agents change. */
  async agentOf(p: Principal): Promise<{ id: string; name: string } | null> {
    if (!p.agentId) return null;
    const id = p.agentId;
    const name = await this.agentNames.get(`${p.orgId}:${id}`, () => this.repo.agentName(p.orgId, id));
    return name ? { id, name } : null;
  }

  rateLimit(p: Principal): Promise<void> {
    return this.limits.consumeAll(this.limitsOf(p));
  }

  /** Both of the caller's limits are known to have room: a call that goes ahead need not wait for its consume. */
  hasRoom(p: Principal): boolean {
    return this.limits.hasRoom(this.limitsOf(p));
  }

  /** The data plane's two limits: per credential and per org. */
  private limitsOf(p: Principal): { spec: LimitSpec; key: string }[] {
    return [
      { spec: { name: 'dp-credential', points: this.env.DATA_PLANE_RATE_LIMIT_PER_CREDENTIAL, durationSeconds: 60 }, key: p.credentialId },
      { spec: { name: 'dp-org', points: this.env.DATA_PLANE_RATE_LIMIT_PER_ORG, durationSeconds: 60 }, key: p.orgId },
    ];
  }
}

/** A promise whose refusal, once it has happened, can be seen without waiting; never unhandled. */
interface Settling {
  promise: Promise<void>;
  refused: boolean;
}

function settling(promise: Promise<void>): Settling {
  const s: Settling = { promise, refused: false };
  promise.catch(() => {
    s.refused = true;
  });
  return s;
}

function takePending(ctx: CallContext): Promise<void> | undefined {
  const pending = ctx.limit?.pending;
  if (ctx.limit) ctx.limit.pending = undefined;
  return pending;
}

/** The policy asked for approval and it was given: the call goes on, and the audit says why. */
export function allowBecause(verdict: Verdict, why: string): Verdict {
  return { ...verdict, decision: 'allow', reason: `${verdict.reason}; ${why}` };
}

function heldMessage(approval: Approval, outcome: Exclude<HoldOutcome, 'approved'>, reason: string): string {
  switch (outcome) {
    case 'denied':
      return `Denied by an approver: approval ${approval.id} (${reason}). The call was not made.`;
    case 'expired':
      return `Approval ${approval.id} expired without a decision (${reason}). The call was not made; calling again asks again.`;
    case 'used':
      return `Approval ${approval.id} was approved once and that one call has already been made (by another identical call). The call was not made; calling again asks again.`;
    case 'pending':
      return `Approval required: ${approval.id} is waiting for a person (${reason}); it expires at ${approval.expiresAt.toISOString()}. The call was not made; retry it once approved.`;
  }
}

/** The parts of a tool's answer that reach the agent; findings are located at `$.content…` or `$.structuredContent…`. */
type Screened = Pick<CallToolResult, 'content' | 'structuredContent' | '_meta'>;
/** The parts of an answer (see `answerOf`) the agent reads, for the output guardrails. */
function screened(result: CallToolResult): Screened & Record<string, unknown> {
  const parts: Screened & Record<string, unknown> = { content: result.content };
  if (result.structuredContent !== undefined) parts.structuredContent = result.structuredContent;
  if (result._meta !== undefined) parts._meta = result._meta;
  return parts;
}

/**
 * What the agent gets of an upstream's answer: the fields of a CallToolResult
 * and nothing else. The SDK's schema lets unknown keys through (a legacy
 * `toolResult`, anything an upstream adds), and a key the output guardrails
 * do not screen would carry anything past them.
 */
function answerOf(r: CallToolResult): CallToolResult {
  const out: CallToolResult = { content: r.content };
  if (r.structuredContent !== undefined) out.structuredContent = r.structuredContent;
  if (r.isError !== undefined) out.isError = r.isError;
  if (r._meta !== undefined) out._meta = r._meta;
  return out;
}

/** A text the agent will read, screened by the output guardrails: withheld if they block, redacted if they redact. */
function screenedText(text: string, config: GuardrailsConfig): { text: string; findings: Finding[] } {
  const verdict = evaluateGuardrails(text, config);
  if (verdict.action === 'block') return { text: `(withheld by output guardrail: ${(verdict.blocked_by ?? []).join(', ')})`, findings: verdict.findings };
  return { text: verdict.action === 'redact' ? String(verdict.redacted) : text, findings: verdict.findings };
}

/** Findings without positions of secrets: detector, kind and where, never the text. */
function summarize(findings: Finding[]): { detector: string; kind: string; path: string }[] {
  return findings.slice(0, 50).map((f) => ({ detector: f.detector, kind: f.kind, path: f.path }));
}
