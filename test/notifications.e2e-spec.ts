import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import pg from 'pg';
import { verifySignature } from '@gatehouse/notifications';
import { bullConnection, QUEUES } from '@gatehouse/queue';
import { adminAuth, bearer, createApiKey, createOrg, startTestApp, type TestApp, type TestOrg } from '@gatehouse/testing';
import { WorkerModule } from '../apps/worker/src/worker.module.js';

/** What a receiver got: the raw body is what the signature covers. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

type Reply = (req: Received, res: ServerResponse) => void;

/**
 * A webhook receiver on loopback that deduplicates on Idempotency-Key the way
 * a real one should: `processed` counts each key once, however often it comes.
 */
class Receiver {
  readonly requests: Received[] = [];
  /** Idempotency keys already acted on, and how many later requests were recognised as duplicates. */
  readonly processed = new Set<string>();
  duplicates = 0;
  private readonly replies = new Map<string, Reply>();
  private server: Server;

  constructor(private port = 0) {
    this.server = this.make();
  }

  private make(): Server {
    return createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Received = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.requests.push(r);
        const key = String(req.headers['idempotency-key']);
        // A key already acted on is acknowledged and ignored.
        if (this.processed.has(key)) {
          this.duplicates++;
          res.writeHead(200).end('duplicate');
          return;
        }
        res.on('finish', () => {
          if (res.statusCode >= 200 && res.statusCode < 300) this.processed.add(key);
        });
        const reply = this.replies.get(r.path) ?? ((_r: Received, out: ServerResponse) => out.writeHead(200).end('ok'));
        reply(r, res);
      });
    });
  }

  async listen(): Promise<this> {
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string, reply: Reply): void {
    this.replies.set(path, reply);
  }

  to(path: string): Received[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface ApprovalDetail {
  id: string;
  status: string;
  notification_state: string;
  deliveries: { channel_id: string; attempt: number; outcome: string; http_status: number | null; error: string | null }[];
}

interface Channel {
  id: string;
  name: string;
  type: string;
  url: string;
  enabled: boolean;
  secret?: string;
}

const ATTEMPTS = 5;
const BACKOFF_MS = 150;
const PUBLIC_BASE_URL = 'https://gatehouse.test';

/** Own key prefix: only this file's workers consume these queues, whatever else runs in parallel. */
function envFor(label: string): Record<string, string> {
  return {
    REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX ?? 'ghtest:'}${label}:`,
    ALLOW_PRIVATE_UPSTREAMS: 'true',
    NOTIFICATION_MAX_ATTEMPTS: String(ATTEMPTS),
    NOTIFICATION_BACKOFF_MS: String(BACKOFF_MS),
    NOTIFICATION_TIMEOUT_MS: '3000',
    PUBLIC_BASE_URL,
  };
}

/** An approval made the way agents make them: a require_approval policy, then /v1/check. */
async function requestApproval(ctx: TestApp, org: TestOrg, toolName = 'send_email'): Promise<string> {
  const policy = (await ctx.http
    .post('/api/policies')
    .set(bearer(org.ownerKey))
    .send({ name: `ask-${randomBytes(3).toString('hex')}`, rules: [], default_action: 'require_approval' })
    .expect(201)).body as { id: string };
  const key = await createApiKey(ctx, org, { scopes: ['mcp:call'], policy_id: policy.id });
  const res = await ctx.http
    .post('/v1/check')
    .set(bearer(key.secret))
    .send({ serverName: 'mail', toolName, args: { to: 'ceo@example.com', subject: 'Q3' } })
    .expect(200);
  const body = res.body as { decision: string; approvalId?: string };
  expect(body.decision).toBe('require_approval');
  expect(body.approvalId).toMatch(/^appr_/);
  return body.approvalId!;
}

describe('notification channels and approval delivery', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let receiver: Receiver;
  let db: pg.Client;

  beforeAll(async () => {
    t = await startTestApp(envFor(`ntf${randomBytes(3).toString('hex')}`));
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(t.env), { logger: false });
    await worker.init();
    receiver = await new Receiver().listen();
    db = new pg.Client({ connectionString: t.env.DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    await worker.close();
    await receiver.close();
    await db.end();
    await t.close();
  });

  const createChannel = async (org: TestOrg, body: Record<string, unknown>): Promise<Channel> =>
    (await t.http.post('/api/notification-channels').set(bearer(org.ownerKey)).send(body).expect(201)).body as Channel;


  const approval = async (ctx: TestApp, org: TestOrg, id: string): Promise<ApprovalDetail> =>
    (await ctx.http.get(`/api/approvals/${id}`).set(bearer(org.ownerKey)).expect(200)).body as ApprovalDetail;

  const tokenHashOf = async (id: string): Promise<string> =>
    ((await db.query('SELECT token_hash FROM approvals WHERE id = $1', [id])).rows[0] as { token_hash: string }).token_hash;

  it('creates, lists, gets, updates, rotates and deletes channels; the secret is shown once; writes need admin', async () => {
    const org = await createOrg(t);
    const ch = await createChannel(org, { name: 'on-call', url: 'https://hooks.example.com/gatehouse' });
    expect(ch).toEqual({
      id: expect.stringMatching(/^chan_[0-9a-z]{26}$/),
      name: 'on-call',
      type: 'webhook',
      url: 'https://hooks.example.com/gatehouse',
      enabled: true,
      secret: expect.stringMatching(/^whsec_[0-9A-Za-z]{32}$/),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const stored = (await db.query('SELECT secret_enc FROM notification_channels WHERE id = $1', [ch.id])).rows[0] as { secret_enc: string };
    expect(stored.secret_enc).not.toContain(ch.secret!);
    expect(stored.secret_enc).toMatch(/^v1\./);

    const got = (await t.http.get(`/api/notification-channels/${ch.id}`).set(bearer(org.ownerKey)).expect(200)).body as Channel;
    expect(got).not.toHaveProperty('secret');
    const slack = await createChannel(org, { name: 'slack', type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' });
    // The Slack URL is the credential to post: answers never show it whole.
    expect(slack.url).toBe('https://hooks.slack.com/services/…');
    const list = (await t.http.get('/api/notification-channels?limit=1').set(bearer(org.ownerKey)).expect(200)).body as {
      notification_channels: Channel[];
      next_cursor: string | null;
    };
    expect(list.notification_channels.map((c) => c.id)).toEqual([ch.id]);
    expect(JSON.stringify(list)).not.toContain('whsec_');
    const page2 = (await t.http.get(`/api/notification-channels?cursor=${list.next_cursor}`).set(bearer(org.ownerKey)).expect(200)).body as {
      notification_channels: Channel[];
      next_cursor: string | null;
    };
    expect(page2.notification_channels.map((c) => c.name)).toEqual(['slack']);
    expect(page2.next_cursor).toBeNull();

    const patched = (await t.http
      .patch(`/api/notification-channels/${ch.id}`)
      .set(bearer(org.ownerKey))
      .send({ enabled: false, type: 'slack', name: 'pager' })
      .expect(200)).body as Channel;
    expect(patched).toMatchObject({ enabled: false, type: 'slack', name: 'pager' });
    await t.http.patch(`/api/notification-channels/${ch.id}`).set(bearer(org.ownerKey)).send({ name: 'slack' }).expect(409);

    const rotated = (await t.http.post(`/api/notification-channels/${ch.id}/rotate-secret`).set(bearer(org.ownerKey)).expect(200)).body as Channel;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(ch.secret);

    const reader = await createApiKey(t, org, { scopes: ['read'] });
    await t.http.get('/api/notification-channels').set(bearer(reader.secret)).expect(200);
    await t.http.post('/api/notification-channels').set(bearer(reader.secret)).send({ name: 'x', url: 'https://a.example' }).expect(403);
    await t.http.delete(`/api/notification-channels/${ch.id}`).set(bearer(reader.secret)).expect(403);

    const events = (await t.http.get('/api/audit/admin-events').set(bearer(org.ownerKey)).expect(200)).body as {
      events: { action: string; resource: { type: string; id: string } }[];
    };
    const mine = events.events.filter((e) => e.resource.id === ch.id).map((e) => e.action);
    expect(mine).toEqual(expect.arrayContaining(['notification_channel.create', 'notification_channel.update', 'notification_channel.rotate']));

    await t.http.delete(`/api/notification-channels/${ch.id}`).set(bearer(org.ownerKey)).expect(204);
    const gone = await t.http.get(`/api/notification-channels/${ch.id}`).set(bearer(org.ownerKey)).expect(404);
    expect(gone.body).toMatchObject({ error: { code: 'notification_channel_not_found', status: 404, request_id: expect.any(String) } });
  });

  it('validates names, types and URLs, naming the field', async () => {
    const org = await createOrg(t);
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await t.http.post('/api/notification-channels').set(bearer(org.ownerKey)).send(body).expect(400);
      const details = (res.body as { error: { code: string; details: { field: string; message: string }[] } }).error.details;
      expect(details.map((d) => d.field)).toContain(field);
    };
    await bad({ url: 'https://a.example' }, 'name');
    await bad({ name: 'bad name!', url: 'https://a.example' }, 'name');
    await bad({ name: 'ok', url: 'https://a.example', type: 'email' }, 'type');
    await bad({ name: 'ok', url: 'ftp://a.example/x' }, 'url');
    await bad({ name: 'ok', url: 'not a url' }, 'url');
    await bad({ name: 'ok', url: 'https://user:pw@a.example/' }, 'url');
    await bad({ name: 'ok', url: 'https://a.example', secret: 'mine' }, 'secret');
    await bad({ name: 'ok', url: 'https://a.example', enabled: 'yes' }, 'enabled');
    const created = await createChannel(org, { name: 'ok', url: 'https://a.example' });
    const patch = await t.http.patch(`/api/notification-channels/${created.id}`).set(bearer(org.ownerKey)).send({ url: 'gopher://x' }).expect(400);
    expect((patch.body as { error: { details: { field: string }[] } }).error.details[0].field).toBe('url');

    // Without ALLOW_PRIVATE_UPSTREAMS: https only, and no private or loopback targets.
    const strict = await startTestApp({ ...envFor('ntfstrict'), ALLOW_PRIVATE_UPSTREAMS: 'false' });
    try {
      const o = await createOrg(strict);
      for (const url of ['http://hooks.example.com/x', 'https://127.0.0.1/x', 'https://169.254.169.254/latest', 'https://localhost/x', 'https://[::1]/x']) {
        const res = await strict.http.post('/api/notification-channels').set(bearer(o.ownerKey)).send({ name: 'x', url }).expect(400);
        expect((res.body as { error: { details: { field: string }[] } }).error.details[0].field).toBe('url');
      }
      await strict.http.post('/api/notification-channels').set(bearer(o.ownerKey)).send({ name: 'x', url: 'https://hooks.example.com/x' }).expect(201);
    } finally {
      await strict.close();
    }
  });

  it("keeps organisations apart: another org's channel is 404 for every operation", async () => {
    const a = await createOrg(t);
    const b = await createOrg(t);
    const ch = await createChannel(a, { name: 'mine', url: 'https://a.example/hook' });
    const other = bearer(b.ownerKey);
    await t.http.get(`/api/notification-channels/${ch.id}`).set(other).expect(404);
    await t.http.patch(`/api/notification-channels/${ch.id}`).set(other).send({ enabled: false }).expect(404);
    await t.http.post(`/api/notification-channels/${ch.id}/rotate-secret`).set(other).expect(404);
    await t.http.delete(`/api/notification-channels/${ch.id}`).set(other).expect(404);
    const list = (await t.http.get('/api/notification-channels').set(other).expect(200)).body as { notification_channels: Channel[] };
    expect(list.notification_channels).toEqual([]);
    expect((await t.http.get(`/api/notification-channels/${ch.id}`).set(bearer(a.ownerKey)).expect(200)).body).toMatchObject({ enabled: true });
  });

  it('delivers a new approval to every enabled channel: signed, with the links, Slack-shaped for slack', async () => {
    const org = await createOrg(t);
    const hook = await createChannel(org, { name: 'hook', url: receiver.url('/ok/hook') });
    const slack = await createChannel(org, { name: 'slack', type: 'slack', url: receiver.url('/ok/slack') });
    const off = await createChannel(org, { name: 'off', url: receiver.url('/ok/off'), enabled: false });

    const id = await requestApproval(t, org);
    const done = await until('delivered', async () => {
      const a = await approval(t, org, id);
      return a.notification_state === 'delivered' ? a : null;
    });
    expect(done.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel_id: hook.id, attempt: 1, outcome: 'delivered', http_status: 200 }),
        expect.objectContaining({ channel_id: slack.id, attempt: 1, outcome: 'delivered', http_status: 200 }),
      ]),
    );
    expect(done.deliveries).toHaveLength(2);
    expect(receiver.to('/ok/off')).toHaveLength(0);
    expect(off.enabled).toBe(false);

    const [got] = receiver.to('/ok/hook');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['gatehouse-event']).toBe('approval.requested');
    expect(got.headers['idempotency-key']).toBe(`${id}.${hook.id}`);
    expect(got.headers['gatehouse-signature']).toBe(`t=${String(got.headers['gatehouse-timestamp'])},v1=${String(got.headers['gatehouse-signature']).split('v1=')[1]}`);
    expect(verifySignature(hook.secret!, String(got.headers['gatehouse-signature']), got.body, 300)).toBe(true);
    expect(verifySignature(slack.secret!, String(got.headers['gatehouse-signature']), got.body, 300)).toBe(false);
    expect(verifySignature(hook.secret!, String(got.headers['gatehouse-signature']), `${got.body} `, 300)).toBe(false);

    const body = JSON.parse(got.body) as {
      event: string;
      approval: Record<string, unknown>;
      links: { approve: string; deny: string };
    };
    expect(body).toMatchObject({
      event: 'approval.requested',
      approval: { id, org: { id: org.id, slug: org.slug }, connector: 'mail', tool: 'send_email', agent_id: null, credential_id: expect.stringMatching(/^key_/) },
    });
    // /v1/check never stores arguments: only their names travel.
    expect(got.body).not.toContain('ceo@example.com');
    expect(body.approval.arguments).toEqual({ to: '[not stored]', subject: '[not stored]' });
    const m = /^https:\/\/gatehouse\.test\/v1\/approve\/(apt_[0-9A-Za-z]{43})\?action=approve$/.exec(body.links.approve);
    expect(m).not.toBeNull();
    expect(body.links.deny).toBe(`${PUBLIC_BASE_URL}/v1/approve/${m![1]}?action=deny`);
    expect(createHash('sha256').update(m![1]).digest('hex')).toBe(await tokenHashOf(id));

    const [s] = receiver.to('/ok/slack');
    expect(verifySignature(slack.secret!, String(s.headers['gatehouse-signature']), s.body, 300)).toBe(true);
    const sp = JSON.parse(s.body) as { text: string; blocks: { type: string; elements?: { url?: string }[] }[] };
    expect(sp.text).toContain('mail__send_email');
    const buttons = sp.blocks.find((b) => b.type === 'actions')?.elements?.map((e) => e.url);
    expect(buttons).toEqual([body.links.approve, body.links.deny]);
  });

  it('marks an approval nobody can be told about as none (no enabled channel)', async () => {
    const org = await createOrg(t);
    await createChannel(org, { name: 'off', url: receiver.url('/none'), enabled: false });
    const id = await requestApproval(t, org);
    await until('none', async () => (await approval(t, org, id)).notification_state === 'none');
    expect(receiver.to('/none')).toHaveLength(0);
  });

  it('retries a receiver that is down, with backoff, until it is up; every attempt is recorded', async () => {
    const org = await createOrg(t);
    const port = await freePort();
    const ok = await createChannel(org, { name: 'up', url: receiver.url('/always-up') });
    const down = await createChannel(org, { name: 'down', url: `http://127.0.0.1:${port}/late` });
    const id = await requestApproval(t, org);

    await until('two failed attempts', async () => (await approval(t, org, id)).deliveries.filter((d) => d.outcome === 'failed').length >= 2);
    const late = await new Receiver(port).listen();
    try {
      const done = await until('delivered', async () => {
        const a = await approval(t, org, id);
        return a.notification_state === 'delivered' ? a : null;
      });
      const toDown = done.deliveries.filter((d) => d.channel_id === down.id);
      expect(toDown.length).toBeGreaterThanOrEqual(3);
      expect(toDown.slice(0, -1).every((d) => d.outcome === 'failed' && d.http_status === null && d.error !== null)).toBe(true);
      expect(toDown.at(-1)).toMatchObject({ outcome: 'delivered', http_status: 200 });
      expect(toDown.map((d) => d.attempt)).toEqual(toDown.map((_, i) => i + 1));
      // The channel that took it on attempt 1 is never sent it again.
      expect(done.deliveries.filter((d) => d.channel_id === ok.id)).toEqual([expect.objectContaining({ attempt: 1, outcome: 'delivered' })]);
      expect(receiver.to('/always-up')).toHaveLength(1);
      expect(late.requests).toHaveLength(1);
      expect(late.requests[0].headers['idempotency-key']).toBe(`${id}.${down.id}`);

      const rows = (await db.query('SELECT attempt, created_at FROM approval_deliveries WHERE channel_id = $1 ORDER BY attempt', [down.id])).rows as {
        attempt: number;
        created_at: Date;
      }[];
      // Exponential backoff: the gap before attempt n+1 is at least BACKOFF_MS * 2^(n-1).
      for (let i = 1; i < rows.length; i++) {
        expect(rows[i].created_at.getTime() - rows[i - 1].created_at.getTime()).toBeGreaterThanOrEqual(BACKOFF_MS * 2 ** (i - 1) - 20);
      }
    } finally {
      await late.close();
    }
  });

  it('gives up after the last attempt: dead in the API, the job stays in the failed set', async () => {
    const org = await createOrg(t);
    receiver.on('/always-500', (_r, res) => res.writeHead(500).end('nope'));
    const ch = await createChannel(org, { name: 'broken', url: receiver.url('/always-500') });
    const id = await requestApproval(t, org);
    const dead = await until(
      'dead',
      async () => {
        const a = await approval(t, org, id);
        return a.notification_state === 'dead' ? a : null;
      },
      30_000,
    );
    expect(dead.status).toBe('pending');
    expect(dead.deliveries.map((d) => [d.attempt, d.outcome, d.http_status])).toEqual([
      ...Array.from({ length: ATTEMPTS - 1 }, (_, i) => [i + 1, 'failed', 500]),
      [ATTEMPTS, 'dead', 500],
    ]);
    expect(dead.deliveries.every((d) => d.channel_id === ch.id && d.error === 'HTTP 500')).toBe(true);
    expect(receiver.to('/always-500')).toHaveLength(ATTEMPTS);

    const { connection, prefix } = bullConnection(t.env);
    const queue = new Queue(QUEUES.approvalNotifications.name, { connection, prefix });
    try {
      const job = await queue.getJob(id);
      expect(await job?.getState()).toBe('failed');
      expect(job?.attemptsMade).toBe(ATTEMPTS);
      expect(job?.failedReason).toContain('giving up');
      expect(job?.failedReason).not.toContain('apt_');
    } finally {
      await queue.close();
    }
  }, 40_000);

  it('stops notifying once the approval is decided', async () => {
    const org = await createOrg(t);
    receiver.on('/decided', (_r, res) => res.writeHead(503).end());
    await createChannel(org, { name: 'slow', url: receiver.url('/decided') });
    const id = await requestApproval(t, org);
    await until('a failed attempt', async () => (await approval(t, org, id)).notification_state === 'failed');
    await t.http.post(`/api/approvals/${id}/deny`).set(bearer(org.ownerKey)).expect(200);
    await until('none', async () => (await approval(t, org, id)).notification_state === 'none');
    const seen = receiver.to('/decided').length;
    await new Promise((r) => setTimeout(r, BACKOFF_MS * 8));
    expect(receiver.to('/decided')).toHaveLength(seen);
  });

  it('finishes the delivery in hand when the worker shuts down gracefully', async () => {
    const org = await createOrg(t);
    receiver.on('/graceful', (_r, res) => setTimeout(() => res.writeHead(200).end('ok'), 800));
    await createChannel(org, { name: 'graceful', url: receiver.url('/graceful') });
    const id = await requestApproval(t, org);
    await until('the delivery to be in flight', () => receiver.to('/graceful').length === 1);
    await worker.close();
    const a = await approval(t, org, id);
    expect(a.notification_state).toBe('delivered');
    expect(a.deliveries).toEqual([expect.objectContaining({ attempt: 1, outcome: 'delivered' })]);
    expect(receiver.to('/graceful')).toHaveLength(1);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(t.env), { logger: false });
    await worker.init();
  });

  it('shows the queues to the platform admin only', async () => {
    await t.http.get('/admin/queues').expect(401);
    const wrong = await t.http.get('/admin/queues/api/queues').set(bearer('x'.repeat(40))).expect(401);
    expect(wrong.body).toMatchObject({ error: { code: 'auth_invalid_credentials', status: 401, request_id: expect.any(String) } });
    const org = await createOrg(t);
    await t.http.get('/admin/queues/api/queues').set(bearer(org.ownerKey)).expect(401);

    const page = await t.http.get('/admin/queues').set(adminAuth(t)).expect(200);
    expect(page.text).toContain('<html');
    await t.http.get('/admin/queues/api/queues').set('X-API-Key', t.env.ADMIN_API_KEY).expect(200);
    const basic = `Basic ${Buffer.from(`admin:${t.env.ADMIN_API_KEY}`).toString('base64')}`;
    const api = await t.http.get('/admin/queues/api/queues').set('Authorization', basic).expect(200);
    const names = (api.body as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['approval-notifications', 'maintenance']);
    // A cross-site form cannot drive it: state changes must be JSON.
    await t.http.post('/admin/queues/api/queues/maintenance/add').set(adminAuth(t)).type('form').send({ name: 'x' }).expect(415);
  });
});

describe('approval delivery when the worker dies mid-delivery', () => {
  let t: TestApp;
  let receiver: Receiver;
  let child: ChildProcess | undefined;
  let replacement: INestApplicationContext | undefined;

  beforeAll(async () => {
    t = await startTestApp(envFor(`ntfkill${randomBytes(3).toString('hex')}`));
    receiver = await new Receiver().listen();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await replacement?.close();
    await receiver.close();
    await t.close();
  });

  /** The real worker in its own process, so that it can be killed like a crash would. */
  async function startWorkerProcess(): Promise<ChildProcess> {
    const script = fileURLToPath(new URL('./fixtures/worker-process.mjs', import.meta.url));
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(envFor('unused'))) env[k] = v;
    env.REDIS_KEY_PREFIX = t.env.REDIS_KEY_PREFIX;
    const proc = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    await until('the worker process to be ready', () => {
      if (proc.exitCode !== null) throw new Error(`worker process exited with ${proc.exitCode}`);
      return (proc.stdout?.read() as Buffer | null)?.toString().includes('ready') ?? false;
    }, 60_000);
    return proc;
  }

  it('is redelivered by another worker with the same Idempotency-Key: the receiver processes it exactly once', async () => {
    child = await startWorkerProcess();
    const org = await createOrg(t);
    const held: ServerResponse[] = [];
    // The first delivery reaches the receiver (and is processed) but is never answered: the worker dies waiting.
    receiver.on('/slow', (r, res) => {
      const key = String(r.headers['idempotency-key']);
      if (held.length === 0) {
        receiver.processed.add(key);
        held.push(res);
        return;
      }
      res.writeHead(200).end('ok');
    });
    const ch = (await t.http.post('/api/notification-channels').set(bearer(org.ownerKey)).send({ name: 'slow', url: receiver.url('/slow') }).expect(201))
      .body as Channel;
    const id = await requestApproval(t, org);

    await until('the first delivery to arrive', () => receiver.to('/slow').length === 1);
    child.kill('SIGKILL');
    await once(child, 'exit');
    child = undefined;
    held[0].destroy();

    replacement = await NestFactory.createApplicationContext(WorkerModule.forRoot(t.env), { logger: false });
    await replacement.init();
    const done = await until(
      'redelivery by the other worker',
      async () => {
        const a = (await t.http.get(`/api/approvals/${id}`).set(bearer(org.ownerKey)).expect(200)).body as ApprovalDetail;
        return a.notification_state === 'delivered' ? a : null;
      },
      45_000,
    );
    const got = receiver.to('/slow');
    expect(got).toHaveLength(2);
    expect(got.map((r) => r.headers['idempotency-key'])).toEqual([`${id}.${ch.id}`, `${id}.${ch.id}`]);
    expect(got.every((r) => verifySignature(ch.secret!, String(r.headers['gatehouse-signature']), r.body, 300))).toBe(true);
    expect(receiver.processed.has(`${id}.${ch.id}`)).toBe(true);
    expect(receiver.duplicates).toBe(1);
    expect(done.deliveries).toEqual([expect.objectContaining({ channel_id: ch.id, outcome: 'delivered' })]);
  }, 120_000);
});
