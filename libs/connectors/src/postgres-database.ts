import { isIP, Socket, type TcpSocketConnectOpts } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import pg from 'pg';
import type { PostgresConnectorConfig } from './connector-config.js';
import { checkedLookup, UpstreamRefused } from './guarded-fetch.js';
import { isForbiddenAddress } from './upstream-address.js';

export interface PostgresLimits {
  statementTimeoutMs: number;
  rowCap: number;
  connectTimeoutMs: number;
  allowPrivate: boolean;
}

/** The call was cancelled by its agent; so was its statement on the server. */
export class PostgresCallCancelled extends Error {
  constructor() {
    super('call cancelled');
  }
}

/** No connection to the database could be had (refused, unreachable, timed out, or the server turned it away). */
export class PostgresUnavailable extends Error {}

/** The connector's calls on this replica were all in use for as long as a connection may take. */
export class PostgresBusy extends Error {}

/** Calls running at once on one connector's database, per replica (each holds a connection); more wait their turn. */
const MAX_RUNNING_CALLS = 10;
/** Connections opened ahead of calls, per connector and replica, and how long one may wait unused. */
const SPARE_CONNECTIONS = 2;
const SPARE_IDLE_MS = 30_000;
/** A spare's first statement answers at once, or the spare is taken for dead and a new session opened. */
const SPARE_CHECK_MS = 1_000;
/** Past the server's statement timeout, the client gives up too: the server, or the network to it, went silent. */
const CLIENT_TIMEOUT_GRACE_MS = 2_000;
/** How long a closing session may take to say goodbye before its socket is destroyed. */
const CLOSE_GRACE_MS = 1_000;
/** The protocol's request codes (the frontend/backend protocol: CancelRequest, SSLRequest). */
const CANCEL_REQUEST_CODE = 80877102;
const SSL_REQUEST_CODE = 80877103;

/**
 * A TCP socket for pg that reaches public addresses only. The check runs on
 * the addresses the socket is about to use (as for HTTP upstreams, see
 * checkedLookup), so a name that resolves to a private address at connect
 * time is refused; an IP literal is checked as given; a Unix socket is local.
 */
function publicOnlySocket(): Socket {
  const socket = new Socket();
  const connect = socket.connect.bind(socket) as (options: TcpSocketConnectOpts) => Socket;
  const refuse = (why: string): Socket => {
    process.nextTick(() => socket.destroy(new UpstreamRefused(why)));
    return socket;
  };
  // pg calls connect(port, host) for TCP and connect(path) for a Unix socket.
  const checked = (port: unknown, host: unknown): Socket => {
    if (typeof port !== 'number' || typeof host !== 'string') return refuse('database over a local socket: a private address');
    if (isIP(host) && isForbiddenAddress(host)) return refuse(`database host ${host} is a private, loopback or link-local address`);
    return connect({ port, host, lookup: checkedLookup() });
  };
  return Object.assign(socket, { connect: checked });
}

function newSocket(limits: PostgresLimits): Socket {
  return limits.allowPrivate ? new Socket() : publicOnlySocket();
}

function clientConfig(config: PostgresConnectorConfig, limits: PostgresLimits, socket: Socket): pg.ClientConfig {
  return {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.username,
    password: config.password,
    ssl: config.ssl ? { rejectUnauthorized: true } : undefined,
    connectionTimeoutMillis: limits.connectTimeoutMs,
    statement_timeout: limits.statementTimeoutMs,
    query_timeout: limits.statementTimeoutMs + CLIENT_TIMEOUT_GRACE_MS,
    application_name: 'gatehouse-connector',
    stream: () => socket,
  };
}

/** The key that cancels a session's statement, which pg learns when it connects (not in pg's typings). */
function cancelKey(client: pg.Client): { pid: number; secret: number } | null {
  const { processID: pid, secretKey: secret } = client as { processID?: unknown; secretKey?: unknown };
  return typeof pid === 'number' && typeof secret === 'number' ? { pid, secret } : null;
}

function int32s(...values: number[]): Buffer {
  const buf = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => buf.writeInt32BE(v, 4 * i));
  return buf;
}

/** A connection to the database, whose socket is ours to destroy. */
interface Session {
  client: pg.Client;
  socket: Socket;
}

/** Ends a session politely, and destroys its socket if the server does not answer the goodbye (a silent connection). */
function close(session: Session): void {
  const timer = setTimeout(() => session.socket.destroy(), CLOSE_GRACE_MS).unref();
  void session.client
    .end()
    .catch(() => undefined)
    .finally(() => clearTimeout(timer));
}

/** `pending`, or PostgresCallCancelled as soon as the signal aborts (what `pending` brings later is the caller's to dispose of). */
function abortable<T>(pending: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return pending;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new PostgresCallCancelled());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (!signal.aborted) resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * One connector's database as the data plane uses it. Every call gets a
 * connection no other call has used, and closes it afterwards, so that on
 * a direct connection (or through a session-mode pooler) nothing an agent's
 * SQL leaves in its session (settings, advisory locks, an extension's links
 * or seed) can reach another call. The cost of connecting is kept off the
 * call's path by spare connections opened ahead of time, after a call
 * has had one; a spare that does not answer at once is taken for dead and
 * replaced by a new connection for that call. A call runs in a READ ONLY
 * transaction with a statement timeout, one statement per query (see
 * readOnly). A call its agent cancels stops waiting at once; its
 * statement, if one was running, is cancelled on the server by the
 * protocol's CancelRequest (over TLS when the connection uses TLS).
 */
export class PostgresDatabase {
  private readonly spares: { session: Session; taken: () => void }[] = [];
  private opening = 0;
  private ended = false;
  private running = 0;
  /** Calls waiting for one of the running ones to end, first come first served. */
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly config: PostgresConnectorConfig,
    readonly limits: PostgresLimits,
    private readonly spareTarget = SPARE_CONNECTIONS,
    private readonly maxRunning = MAX_RUNNING_CALLS,
  ) {}

  /** A round trip along the path a call takes. */
  async ping(): Promise<void> {
    await this.readOnly((query) => query({ text: 'SELECT 1', values: [] }));
  }

  /** Closes the spare connections; calls still running close theirs as usual. */
  end(): Promise<void> {
    this.ended = true;
    for (const spare of this.spares.splice(0)) {
      spare.taken();
      close(spare.session);
    }
    return Promise.resolve();
  }

  /**
   * Runs `work` in a read-only transaction on a connection of its own.
   * Throws PostgresUnavailable when no connection could be had, PostgresBusy
   * when none was free in time, PostgresCallCancelled when the signal aborted
   * it, pg.DatabaseError for the server's refusal of a statement, and any
   * other error when the connection failed midway.
   */
  async readOnly<T>(work: (query: Query) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new PostgresCallCancelled();
    await this.turn(signal);
    if (signal?.aborted) {
      this.next();
      throw new PostgresCallCancelled();
    }
    const beginning = this.begin();
    let session: Session;
    try {
      session = await abortable(beginning, signal);
    } catch (err) {
      // A call that stops waiting for its connection keeps its place until that connection is closed: cancelling
      // calls cannot open more connections than the limit.
      void beginning.then(close, () => undefined).finally(() => this.next());
      throw err;
    }
    try {
      return await this.inSession(session, work, signal);
    } finally {
      this.next();
    }
  }

  /**
   * A place among the calls running on this database, at once or when one
   * ends: at most maxRunning connections serve calls, however many agents
   * ask. A call that waits longer than a connection may take to open is
   * refused (PostgresBusy); one cancelled while waiting leaves the line.
   */
  private turn(signal?: AbortSignal): Promise<void> {
    if (this.running < this.maxRunning) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = this.waiting.indexOf(go);
        if (at >= 0) this.waiting.splice(at, 1);
      };
      // Handed the place of a call that ended (`running` is not counted down in between).
      const go = () => {
        leave();
        resolve();
      };
      const onAbort = () => {
        leave();
        reject(new PostgresCallCancelled());
      };
      const timer = setTimeout(() => {
        leave();
        reject(new PostgresBusy(`${this.maxRunning} calls to this database are already running on this replica`));
      }, this.limits.connectTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(go);
    });
  }

  private next(): void {
    const waiting = this.waiting.shift();
    if (waiting) waiting();
    else this.running--;
  }

  private async inSession<T>(session: Session, work: (query: Query) => Promise<T>, signal?: AbortSignal): Promise<T> {
    // Set by the abort listener (an object, so the compiler does not narrow it to its initial null).
    const cancel: { sent: Promise<void> | null } = { sent: null };
    const onAbort = () => {
      cancel.sent = this.cancel(session.client);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // Every statement checks the signal first: one aborted between statements is not sent.
    // The extended protocol, always: it takes one statement per query, where the simple protocol (pg's choice
    // for a query without parameters) would run `SELECT 1; COMMIT; DELETE …` past the read-only transaction.
    const query: Query = (q) => {
      if (signal?.aborted) throw new PostgresCallCancelled();
      const extended: pg.QueryConfig & { queryMode: 'extended' } = { ...q, queryMode: 'extended' };
      return session.client.query(extended);
    };
    try {
      return await work(query);
    } catch (err) {
      if (signal?.aborted) throw new PostgresCallCancelled();
      // The client gave up on a server gone silent: the statement may still be running there.
      if (err instanceof Error && err.message === 'Query read timeout') cancel.sent ??= this.cancel(session.client);
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await cancel.sent;
      // Used once: closing the connection ends its transaction.
      close(session);
    }
  }

  /**
   * A connection in its READ ONLY transaction: a spare that answers at once,
   * else a new one. Spares are opened again once a call has had a connection
   * (none while the database refuses them: the calls' own attempts say so).
   */
  private async begin(): Promise<Session> {
    const spare = this.spares.shift();
    if (spare) {
      spare.taken();
      const check: pg.QueryConfig & { query_timeout: number } = { text: 'BEGIN TRANSACTION READ ONLY', query_timeout: SPARE_CHECK_MS };
      try {
        await spare.session.client.query(check);
        this.refill();
        return spare.session;
      } catch {
        close(spare.session);
      }
    }
    const session = await this.open().catch((err: unknown) => {
      throw new PostgresUnavailable((err as Error).message);
    });
    this.refill();
    try {
      await session.client.query('BEGIN TRANSACTION READ ONLY');
    } catch (err) {
      close(session);
      throw err;
    }
    return session;
  }

  private refill(): void {
    while (!this.ended && this.spares.length + this.opening < this.spareTarget) {
      this.opening++;
      this.open()
        .then((session) => this.keep(session))
        .catch(() => undefined) // the next call connects itself and reports why it could not
        .finally(() => this.opening--);
    }
  }

  /** A spare waits at most SPARE_IDLE_MS, and leaves the list if its connection ends meanwhile. */
  private keep(session: Session): void {
    if (this.ended) {
      close(session);
      return;
    }
    const taken = () => {
      clearTimeout(timer);
      session.client.off('end', lost);
    };
    const lost = () => {
      taken();
      const at = this.spares.indexOf(spare);
      if (at >= 0) this.spares.splice(at, 1);
    };
    const spare = { session, taken };
    const timer = setTimeout(() => {
      lost();
      close(session);
    }, SPARE_IDLE_MS).unref();
    session.client.once('end', lost);
    this.spares.push(spare);
  }

  private async open(): Promise<Session> {
    const socket = newSocket(this.limits);
    const client = new pg.Client(clientConfig(this.config, this.limits, socket));
    // A connection lost while idle or in a call: the call's own query rejects; the event must not crash the process.
    client.on('error', () => undefined);
    await client.connect();
    return { client, socket };
  }

  /**
   * Sends the protocol's CancelRequest for the session's statement, over a
   * connection of its own (checked like any other, and over TLS when the
   * connector uses TLS); the server reads it and closes that connection.
   * Best effort: the statement timeout bounds what a lost cancel leaves running.
   */
  private cancel(session: pg.Client): Promise<void> {
    const key = cancelKey(session);
    if (!key) return Promise.resolve();
    const request = int32s(16, CANCEL_REQUEST_CODE, key.pid, key.secret);
    return new Promise((resolve) => {
      const socket = newSocket(this.limits);
      let tlsSocket: TLSSocket | undefined;
      const done = () => {
        tlsSocket?.destroy();
        socket.destroy();
        resolve();
      };
      socket.setTimeout(this.limits.connectTimeoutMs, done);
      socket.once('error', done);
      socket.once('close', done);
      socket.once('connect', () => {
        if (!this.config.ssl) {
          socket.end(request);
          return;
        }
        socket.write(int32s(8, SSL_REQUEST_CODE));
        socket.once('data', (answer: Buffer) => {
          // 'S', alone: the server takes TLS on this connection. Anything else (or bytes after the 'S', which a
          // man in the middle could have injected, CVE-2021-23214), and the cancel is not sent.
          if (answer.length !== 1 || answer[0] !== 0x53) return done();
          tlsSocket = tlsConnect({ socket, servername: isIP(this.config.host) ? undefined : this.config.host, rejectUnauthorized: true });
          tlsSocket.once('secureConnect', () => tlsSocket?.end(request));
          tlsSocket.once('error', done);
          tlsSocket.once('close', done);
        });
      });
      const { host, port } = this.config;
      if (host.startsWith('/')) socket.connect(`${host}/.s.PGSQL.${port}`);
      else socket.connect(port, host);
    });
  }
}

/** One statement of a call, inside its read-only transaction. */
export type Query = (query: { text: string; values: unknown[] }) => Promise<pg.QueryResult>;
