import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AuditLogRepository, type AuditOutcome, type NewAuditEntry } from './audit-log.repository.js';

const MAX_BATCH = 1000;
/**
 * One batch in flight per kind. More parallel writers looked like more
 * throughput but meant batches of one or two rows and a Postgres round trip
 * (and a Prisma query, and socket writes) per entry: under load the Node
 * side, not the commit, was the limit. With one writer, everything that
 * arrives during a commit rides in the next one.
 */
const MAX_IN_FLIGHT = 1;

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for the audit log. `record` resolves only once the entry is
 * durably in Postgres, but entries arriving while a write is in flight ride
 * together in the next multi-row INSERT, so durability does not cap
 * throughput. A failed batch rejects every caller in it: they fail closed.
 */
class GroupCommitter<T> {
  private queue: Pending<T>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly write: (batch: T[]) => Promise<void>) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // Entries submitted in the same turn of the event loop share the first write too.
      if (!this.scheduled && this.inFlight < MAX_IN_FLIGHT) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  get idle(): boolean {
    return this.inFlight === 0 && this.queue.length === 0;
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      this.write(batch.map((p) => p.item)).then(
        () => batch.forEach((p) => p.resolve()),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      ).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }
}

@Injectable()
export class AuditLogWriter implements OnApplicationShutdown {
  private readonly logger = new Logger(AuditLogWriter.name);
  private readonly entries: GroupCommitter<NewAuditEntry>;
  private readonly outcomes: GroupCommitter<AuditOutcome>;

  constructor(repo: AuditLogRepository) {
    this.entries = new GroupCommitter((batch) => repo.insertMany(batch));
    this.outcomes = new GroupCommitter((batch) => repo.completeMany(batch));
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
    for (let i = 0; i < 100 && !(this.entries.idle && this.outcomes.idle); i++) await new Promise((r) => setTimeout(r, 20));
  }
}
