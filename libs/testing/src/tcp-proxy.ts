import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** `target` with its host and port pointing at the proxy. */
  url: string;
  /** Holds what clients send from now on (queries wait), until release. */
  hold(): void;
  release(): void;
  /** A server gone: every connection is closed and new ones are closed at once, until restore. */
  cut(): void;
  restore(): void;
  /** The connections open now go silent for good, both ways (a NAT or firewall that forgot them); new ones work. */
  freeze(): void;
  close(): Promise<void>;
}

/** PostgreSQL's NotificationResponse ('A'): what a transaction-mode pooler never passes on. */
const PG_NOTIFICATION = 0x41;

/**
 * A TCP proxy in front of Postgres or Redis that can hold the client's bytes
 * (a server that stops answering) and, for Postgres, drop the notifications
 * the server sends (a pooler that does not carry LISTEN).
 */
export async function startTcpProxy(target: URL, opts: { dropPgNotifications?: boolean } = {}): Promise<TcpProxy> {
  let held = false;
  let down = false;
  const queued: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const frozen = new WeakSet<Socket>();
  const silencers: (() => void)[] = [];
  const server: Server = createServer((inbound) => {
    if (down) {
      inbound.destroy();
      return;
    }
    const outbound = connect(Number(target.port || (target.protocol === 'redis:' ? 6379 : 5432)), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.on('data', (chunk: Buffer) => {
      if (frozen.has(inbound)) return;
      if (held) queued.push(() => outbound.write(chunk));
      else outbound.write(chunk);
    });
    silencers.push(() => {
      frozen.add(inbound);
      outbound.unpipe(inbound);
    });
    if (!opts.dropPgNotifications) {
      outbound.pipe(inbound);
      return;
    }
    // Every message from the server is a type byte and a length that counts itself; whole messages are passed on.
    let pending = Buffer.alloc(0);
    outbound.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5) {
        const end = 1 + pending.readInt32BE(1);
        if (pending.length < end) break;
        if (pending[0] !== PG_NOTIFICATION && !frozen.has(inbound)) inbound.write(pending.subarray(0, end));
        pending = pending.subarray(end);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      for (const send of queued.splice(0)) send();
    },
    cut: () => {
      down = true;
      queued.length = 0;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore: () => {
      down = false;
    },
    freeze: () => {
      for (const silence of silencers.splice(0)) silence();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
