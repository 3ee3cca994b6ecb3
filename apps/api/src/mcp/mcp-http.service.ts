import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError } from '@gatehouse/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import type { Principal } from '@gatehouse/credentials';
import { CallPipelineService, McpSessionStore, type CallContext } from '@gatehouse/dataplane';
import { singleHeader } from '../http/headers.js';
import { requestIdOf } from '../http/request-id.js';
import { sendJson } from '../http/send-error.js';
import { hasStreamableHttpHeaders, isInitialize, JsonResponseTransport, singleMessageOf } from './json-response.transport.js';
import { McpServerFactory } from './mcp-server.factory.js';

/** Open SSE streams one session may hold on one replica; each holds a socket and a timer. */
export const MAX_STREAMS_PER_SESSION = 4;

/** The body of a request as the JSON parser left it. */
type Request = IncomingMessage & { body?: unknown; id?: unknown };
type Response = ServerResponse;

function jsonRpcError(res: Response, status: number, message: string): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

/**
 * MCP streamable HTTP for one organisation. Sessions are ours (Redis), not
 * the SDK's: each POST gets a fresh stateless SDK server+transport bound to
 * the caller, which lets any replica serve any session. A single message
 * after initialize (nearly all traffic) rides a JSON-response transport that
 * skips the SDK's Node-to-web-standard conversion; everything else gets the
 * SDK's own transport. A lone tools/call is begun (decided, and its audit
 * entry sent) before the server dispatches it: see CallPipelineService.prepare.
 */
@Injectable()
export class McpHttpService implements BeforeApplicationShutdown {
  /** Open SSE streams by session id, so that ending a session ends its streams. */
  private readonly streams = new Map<string, Set<Response>>();

  constructor(
    private readonly sessions: McpSessionStore,
    private readonly servers: McpServerFactory,
    private readonly pipeline: CallPipelineService,
    @Inject(APP_CONFIG) private readonly env: Env,
  ) {}

  assertOrg(p: Principal, orgSlug: string): void {
    // Another org's endpoint does not exist for this credential.
    if (p.orgSlug !== orgSlug) throw new DomainError('not_found', 'organization_not_found', `No organization found with slug ${orgSlug}`);
  }

  async post(p: Principal, req: Request, res: Response): Promise<void> {
    const body: unknown = req.body;
    const gatewayHeader = { name: singleHeader(req, 'x-mcp-gateway'), version: singleHeader(req, 'x-mcp-gateway-version') };
    let sessionId: string | null;
    let ctx: CallContext;
    if (isInitialize(body)) {
      // Outside a session the limit is HTTP's (429 + Retry-After); inside one, tools/call answers an MCP error.
      await this.pipeline.rateLimit(p);
      // A request the SDK's transport will refuse (406, 415) opens no session: none is left behind in Redis for a day.
      sessionId = hasStreamableHttpHeaders(req)
        ? await this.sessions.create({
            orgId: p.orgId,
            credentialId: p.credentialId,
            gatewayName: gatewayHeader.name ?? null,
            gatewayVersion: gatewayHeader.version ?? null,
            protocolVersion: body.params.protocolVersion,
          })
        : null;
      if (sessionId) res.setHeader('Mcp-Session-Id', sessionId);
      ctx = { principal: p, gateway: { ...gatewayHeader, credentialGatewayId: p.gatewayId }, requestId: requestIdOf(req) };
    } else {
      // A lone tools/call: its rate limit's Redis round trip runs alongside the session's (unless the limit
      // is known to have room, when the pipeline consumes it off the call's path).
      const limit = isToolCall(body) && !this.pipeline.hasRoom(p) ? { pending: this.pipeline.rateLimit(p) } : undefined;
      limit?.pending?.catch(() => undefined);
      const session = await this.session(p, req, res);
      if (!session) return;
      sessionId = session.id;
      // The gateway the session was opened on by name, else the credential's (a session is bound to its credential).
      const gateway = { name: session.gatewayName ?? undefined, version: session.gatewayVersion ?? undefined, credentialGatewayId: p.gatewayId };
      ctx = { principal: p, gateway, limit, requestId: requestIdOf(req) };
    }
    // A client that went away while the lookups above ran has nobody to answer: nothing is run for it.
    if (res.destroyed) return;
    const single = singleMessageOf(req, body);
    const call = single && toolCallOf(single);
    // A single message is never an initialize: it has its session.
    if (call && sessionId !== null) {
      // The decision and the durable audit write start before the server's dispatch, and overlap it. The call can be
      // cancelled from now on, as if its handler were running.
      const forget = this.servers.expectCall(sessionId, call.id);
      res.on('close', () => {
        this.pipeline.abandon(ctx);
        forget();
      });
      await this.pipeline.prepare(ctx, call.name, call.arguments);
      if (res.destroyed) return;
    }
    const server = this.servers.create(ctx, sessionId);
    const transport = single ? new JsonResponseTransport(req, res) : new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // A client gone before its answer stops the handlers still running for it. An answered request has none left,
    // and closing the SDK server anyway would build an Error with its stack trace on every request.
    res.on('close', () => {
      if (res.writableFinished) return;
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    if (single && transport instanceof JsonResponseTransport) transport.dispatch(single);
    else if (transport instanceof StreamableHTTPServerTransport) await transport.handleRequest(req, res, body);
  }

  /**
   * A stream for server-initiated messages; Gatehouse sends none, so it only
   * keeps the line warm. A session holds a few at most (sessions themselves
   * are rate-limited: initialize takes a token; the stream does not, since
   * the SDK's client opens one by itself after every initialize), and each
   * ends with its session: at once when the session is deleted here, at the
   * next heartbeat when elsewhere (or when it expires).
   */
  async get(p: Principal, req: Request, res: Response): Promise<void> {
    if (!String(req.headers.accept ?? '').includes('text/event-stream')) {
      jsonRpcError(res, 406, 'Not Acceptable: the client must accept text/event-stream');
      return;
    }
    const session = await this.session(p, req, res);
    if (!session) return;
    let open = this.streams.get(session.id);
    if ((open?.size ?? 0) >= MAX_STREAMS_PER_SESSION) {
      jsonRpcError(res, 409, `Conflict: this session already has ${MAX_STREAMS_PER_SESSION} open streams`);
      return;
    }
    if (res.destroyed) return;
    if (!open) this.streams.set(session.id, (open = new Set()));
    open.add(res);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'Mcp-Session-Id': session.id });
    res.write(': gatehouse\n\n');
    // Redis unreachable says nothing about the session: the stream goes on. One ended meanwhile is not written to.
    const beat = (alive: boolean) => {
      if (res.writableEnded) return;
      if (alive) res.write(': keep-alive\n\n');
      else res.end();
    };
    const timer = setInterval(() => {
      void this.sessions.get(session.id).then(
        (s) => beat(s !== null),
        () => beat(true),
      );
    }, this.env.MCP_SSE_HEARTBEAT_SECONDS * 1000);
    res.on('close', () => {
      clearInterval(timer);
      open.delete(res);
      if (open.size === 0 && this.streams.get(session.id) === open) this.streams.delete(session.id);
    });
  }

  /** Open SSE streams would hold the HTTP server open forever; end them so shutdown completes. */
  beforeApplicationShutdown(): void {
    for (const open of this.streams.values()) for (const res of open) res.end();
    this.streams.clear();
  }

  async delete(p: Principal, req: Request, res: Response): Promise<void> {
    const session = await this.session(p, req, res);
    if (!session) return;
    await this.sessions.delete(session.id);
    for (const stream of this.streams.get(session.id) ?? []) stream.end();
    res.writeHead(200).end();
  }

  /** The caller's session, or an answer already sent: 400 without the header, 404 for any other credential's. */
  private async session(p: Principal, req: Request, res: Response): Promise<{ id: string; gatewayName: string | null; gatewayVersion: string | null } | null> {
    const id = singleHeader(req, 'mcp-session-id');
    if (!id) {
      jsonRpcError(res, 400, 'Bad Request: Mcp-Session-Id header is required');
      return null;
    }
    const session = await this.sessions.get(id);
    if (!session || session.credentialId !== p.credentialId || session.orgId !== p.orgId) {
      jsonRpcError(res, 404, 'Session not found');
      return null;
    }
    return { id, gatewayName: session.gatewayName, gatewayVersion: session.gatewayVersion };
  }
}

function isToolCall(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && (body as { method?: unknown }).method === 'tools/call';
}

/** The tool and arguments of a tools/call request whose params have the shape the SDK's schema accepts; null otherwise. */
function toolCallOf(message: JSONRPCMessage): { id: RequestId; name: string; arguments: Record<string, unknown> | undefined } | null {
  // A valid message (singleMessageOf parsed it) with a method and an id is a request.
  if (!('method' in message) || !('id' in message) || message.method !== 'tools/call') return null;
  const { name, arguments: args } = (message.params ?? {}) as { name?: unknown; arguments?: unknown };
  if (typeof name !== 'string') return null;
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) return null;
  return { id: message.id, name, arguments: args as Record<string, unknown> | undefined };
}
