import type pg from 'pg';

/**
 * One of a pool's connections, kept checked out for a writer that has one
 * statement in flight at a time, so that its statement reaches the socket in
 * the caller's own turn. `pool.query` picks a connection on a
 * `process.nextTick`, which runs only after every microtask queued meanwhile:
 * for the audit INSERT of a call, after the rest of the request's dispatch,
 * 70-150 us later. A connection that fails in any way (an error on a query
 * or on the idle socket, or its end) is given back to the pool to be
 * destroyed, and the next statement takes a fresh one.
 */
export class HeldConnection {
  private client: pg.PoolClient | undefined;
  private connecting: Promise<pg.PoolClient> | undefined;
  private closed = false;

  /** `onLost` hears of a connection that failed outside a statement (the statement's caller hears of the rest). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly onLost: (err: Error) => void = () => undefined,
  ) {}

  query(config: pg.QueryConfig): Promise<pg.QueryResult> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const client = this.client;
    if (client) return this.run(client, config);
    return (this.connecting ??= this.connect()).then((c) => this.run(c, config));
  }

  /**
   * Gives the connection back to the pool for good (before `pool.end()`, which waits for every checked-out one):
   * one still being opened is given back as soon as it arrives.
   */
  release(): void {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    client?.release();
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      const client = await this.pool.connect();
      if (this.closed) {
        client.release();
        throw new Error('connection closed');
      }
      // A checked-out client's 'error' has no listener of the pool's: without this one, a dropped connection is an uncaught exception.
      client.on('error', (err) => this.lost(client, err));
      client.on('end', () => this.lost(client, new Error('connection ended')));
      this.client = client;
      return client;
    } finally {
      this.connecting = undefined;
    }
  }

  private async run(client: pg.PoolClient, config: pg.QueryConfig): Promise<pg.QueryResult> {
    try {
      return await client.query(config);
    } catch (err) {
      // Postgres refusing the statement's data leaves the connection as good as before. Any other error (a timeout
      // leaves the connection's state unknown) and the next statement starts on a fresh one.
      if (!isDataError(err)) this.drop(client, err as Error);
      throw err;
    }
  }

  private lost(client: pg.PoolClient, err: Error): void {
    if (this.client === client) this.onLost(err);
    this.drop(client, err);
  }

  private drop(client: pg.PoolClient, err: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.release(err);
  }
}

/**
 * Postgres refused a statement for what it carried (SQLSTATE class 22, data
 * exception, e.g. a NUL in text; or 23, integrity constraint violation), not
 * for the state of the connection or the server.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
