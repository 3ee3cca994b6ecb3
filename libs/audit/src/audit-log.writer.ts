import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { Batcher, type BatcherOptions, type Queued } from '@gatehouse/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import type { AuditOutcome, NewAuditEntry } from './audit-log.repository.js';
import { HeldConnection, isDataError } from './held-connection.js';

const MAX_BATCH = 1000;
/**
 * Group commit for the audit log: `record` resolves only once the entry is
 * durably in Postgres, but entries arriving while a write is in flight ride
 * together in the next multi-row INSERT, so durability does not cap
 * throughput. A failed batch rejects every caller in it: they fail closed.
 * One batch in flight per kind. More parallel writers looked like more
 * throughput but meant batches of one or two rows and a Postgres round trip
 * (and a Prisma query, and socket writes) per entry: under load the Node
 * side, not the commit, was the limit. With one writer, everything that
 * arrives during a commit rides in the next one.
 */
const GROUP_COMMIT: BatcherOptions = { maxBatch: MAX_BATCH, maxInFlight: 1 };
/**
 * Outcomes are written at most this often: an entry shows its result this
 * much later at worst, and the UPDATE is shared by the calls that ended
 * meanwhile instead of being a transaction (and a commit) per call.
 */
const OUTCOME_INTERVAL_MS = 20;

async function settleAll<T>(batch: Queued<T>[], write: (items: T[]) => Promise<void>): Promise<void> {
  await write(batch.map((q) => q.item));
  for (const q of batch) q.resolve();
}

/**
 * The same statements as AuditLogRepository.insertMany/completeMany, sent
 * as named prepared statements on the writer's own two connections (one
 * held by each batcher, see HeldConnection). Through
 * Prisma's $executeRaw the one-row INSERT cost 1.56 ms at p50 against 0.67 ms
 * on pg (18 array parameters converted by the client runtime), and that CPU
 * sat on the event loop in front of every call's next step. A batch of one,
 * what every call meets when the gateway is not busy, binds plain values
 * instead of eighteen one-element arrays to unnest.
 */
const COLUMNS = `id, org_id, timestamp, kind, connector_id, connector_name, tool_name, agent_id, credential_id,
    gateway_id, decision, reason, policy_id, rule_index, duration_ms, success, error_code, findings`;
const TYPES = ['text', 'text', 'timestamptz', '"AuditKind"', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'int', 'int', 'boolean', 'text', 'jsonb'];
const INSERT_SQL = `INSERT INTO audit_entries (${COLUMNS})
  SELECT * FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
const INSERT_ONE_SQL = `INSERT INTO audit_entries (${COLUMNS}) VALUES (${TYPES.map((t, i) => `$${i + 1}::${t}`).join(', ')})`;
/** ES2024's String methods (Node 20 has them; the project's lib is ES2023). */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
/**
 * A string as Postgres will take it in text and jsonb: NUL and lone UTF-16
 * surrogates become U+FFFD. Tool names, connector names and finding paths come
 * from callers and upstreams; one such character must not fail the batch it
 * rides in, and with it every call (of any org) in the same group commit.
 * Checked with the engine's own string scans: this runs for every field of
 * every entry.
 */
export const storable = (s: string): string => {
  const w = s as unknown as WellFormed;
  if (w.isWellFormed() && !s.includes('\0')) return s;
  return w.toWellFormed().replaceAll('\0', '\uFFFD');
};
/** In JSON text, NUL and lone surrogates are escapes (a pair is written as is); an escaped backslash may look alike, which costs only the slow path. */
const ESCAPED_UNSTORABLE = /\\u(?:0000|d[89a-f][0-9a-f]{2})/i;
const json = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  const out = JSON.stringify(v);
  return ESCAPED_UNSTORABLE.test(out) ? JSON.stringify(v, (_key, x: unknown) => (typeof x === 'string' ? storable(x) : x)) : out;
};
const text = <T>(v: T): T | string => (typeof v === 'string' ? storable(v) : v);
/** An entry's values in COLUMNS order. */
const row = (e: NewAuditEntry): unknown[] => [
  e.id, e.orgId, e.timestamp, e.kind, text(e.connectorId), text(e.connectorName), text(e.toolName), text(e.agentId), text(e.credentialId), text(e.gatewayId),
  text(e.decision), text(e.reason), text(e.policyId), e.ruleIndex, e.durationMs, e.success, text(e.errorCode), json(e.findings),
];
const COMPLETE_SQL = `UPDATE audit_entries AS a SET duration_ms = v.duration_ms, success = v.success, error_code = v.error_code,
    findings = COALESCE(v.findings, a.findings), completed_at = now()
  FROM unnest($1::text[], $2::int[], $3::boolean[], $4::text[], $5::jsonb[]) AS v(id, duration_ms, success, error_code, findings)
  WHERE a.id = v.id`;

@Injectable()
export class AuditLogWriter implements OnApplicationShutdown {
  private readonly logger = new Logger(AuditLogWriter.name);
  private readonly entries: Batcher<NewAuditEntry>;
  private readonly outcomes: Batcher<AuditOutcome>;
  /** One connection per committer: each has one batch in flight at most. */
  private readonly pool: pg.Pool;
  private readonly inserts: HeldConnection;
  private readonly updates: HeldConnection;

  constructor(@Inject(APP_CONFIG) env: Env) {
    // Bounded waits: a database that hangs (rather than refusing) must fail the calls closed, not stall them behind one batch.
    this.pool = new pg.Pool({
      connectionString: env.DATABASE_URL,
      max: 2,
      connectionTimeoutMillis: 3000,
      query_timeout: 10_000,
      // Which replica's writer a connection is, in pg_stat_activity.
      application_name: `gatehouse-audit ${process.pid}`,
      // Each batcher holds its connection however long the gateway is idle: TCP keepalives keep a NAT or proxy on
      // the way from forgetting it, and tell a dead peer from a quiet one.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // A connection that drops is replaced on next use; the failure reaches callers only through a query.
    const lost = (err: Error) => this.logger.warn(`audit connection lost: ${err.message}`);
    this.pool.on('error', lost);
    this.inserts = new HeldConnection(this.pool, lost);
    this.updates = new HeldConnection(this.pool, lost);
    this.entries = new Batcher((batch) => this.insertBatch(batch), GROUP_COMMIT);
    // Nobody waits on an outcome: it goes after the answer is written, and at most one UPDATE per OUTCOME_INTERVAL_MS
    // carries every outcome that arrived meanwhile (a transaction per call cost Postgres as much CPU as the INSERT).
    this.outcomes = new Batcher((batch) => settleAll(batch, (items) => this.completeMany(items)), {
      ...GROUP_COMMIT,
      start: 'after-turn',
      minIntervalMs: OUTCOME_INTERVAL_MS,
    });
  }

  /**
   * One group commit. Should Postgres refuse the batch for what an entry
   * carries, it is split in halves, and those halves again, so that only the
   * entries at fault fail (closed) and the calls beside them, of any org, go
   * ahead, in a few round trips rather than one per entry. Any other error
   * (the database gone, a timeout) fails what is left of the batch at once:
   * nobody waits on the database a second time.
   */
  private async insertBatch(batch: Queued<NewAuditEntry>[]): Promise<void> {
    let fatal: unknown;
    const attempt = async (part: Queued<NewAuditEntry>[]): Promise<void> => {
      if (fatal !== undefined) return part.forEach((q) => q.reject(fatal));
      try {
        await settleAll(part, (items) => this.insert(items));
      } catch (err) {
        if (part.length === 1 || !isDataError(err)) {
          if (!isDataError(err)) fatal = err;
          return part.forEach((q) => q.reject(err));
        }
        if (part === batch) this.logger.warn(`audit batch of ${batch.length} refused (${(err as Error).message}): finding the entries at fault`);
        const half = Math.ceil(part.length / 2);
        await attempt(part.slice(0, half));
        await attempt(part.slice(half));
      }
    };
    await attempt(batch);
  }

  private async insert(entries: NewAuditEntry[]): Promise<void> {
    const rows = entries.map(row);
    if (rows.length === 1) {
      await this.inserts.query({ name: 'audit_insert_one', text: INSERT_ONE_SQL, values: rows[0] });
      return;
    }
    await this.inserts.query({ name: 'audit_insert', text: INSERT_SQL, values: TYPES.map((_, i) => rows.map((r) => r[i])) });
  }

  private async completeMany(outcomes: AuditOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.updates.query({
      name: 'audit_complete',
      text: COMPLETE_SQL,
      values: [
        outcomes.map((o) => o.id), outcomes.map((o) => o.durationMs), outcomes.map((o) => o.success),
        outcomes.map((o) => text(o.errorCode)), outcomes.map((o) => json(o.findings)),
      ],
    });
  }

  /** Durable when it resolves; throws when the entry could not be written. */
  record(entry: NewAuditEntry): Promise<void> {
    return this.entries.submit(entry);
  }

  /** The result of a recorded call; a lost outcome leaves the entry visibly incomplete, never a lost entry. */
  complete(outcome: AuditOutcome): Promise<void> {
    return this.outcomes.submit(outcome).catch((err: unknown) => {
      this.logger.error(`audit outcome for ${outcome.id} not written: ${(err as Error).message}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.outcomes.flush();
    for (let i = 0; i < 100 && !(this.entries.idle && this.outcomes.idle); i++) await new Promise((r) => setTimeout(r, 20));
    this.inserts.release();
    this.updates.release();
    await this.pool.end().catch(() => undefined);
  }
}
