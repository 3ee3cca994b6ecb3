import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  JSONRPCErrorResponseSchema,
  JSONRPCMessageSchema,
  JSONRPCResultResponseSchema,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { request, type Dispatcher } from 'undici';
import { assertUpstreamUrl, MAX_UPSTREAM_REDIRECTS, upstreamDispatcher, type Resolve } from './guarded-fetch.js';

type Body = Dispatcher.ResponseData['body'];

/**
 * `JSONRPCMessageSchema.parse`, trying first the one member of the union an
 * answer's keys point to. The union tries the request and notification
 * schemas before the answers', so an upstream's answer, its most common
 * message, failed two parses (each building its error) before it matched.
 * Without a `method` neither of those can match, so the result is the
 * union's; anything else, or an answer its schema rejects, goes through the
 * whole union and fails as it would.
 */
export function parseJsonRpcMessage(raw: unknown): JSONRPCMessage {
  if (typeof raw === 'object' && raw !== null && !('method' in raw)) {
    const parsed = 'result' in raw ? JSONRPCResultResponseSchema.safeParse(raw) : 'error' in raw ? JSONRPCErrorResponseSchema.safeParse(raw) : null;
    if (parsed?.success) return parsed.data;
  }
  return JSONRPCMessageSchema.parse(raw);
}

/**
 * The `data` of the error this transport answers a request with when the
 * upstream's stream ended or broke before answering: the upstream did not
 * answer (its transport failed), as opposed to an error it sent itself.
 */
export const STREAM_ENDED = { gatehouse: 'upstream_stream_ended' } as const;

export function isStreamEnded(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { gatehouse?: unknown }).gatehouse === STREAM_ENDED.gatehouse;
}

function isCancellation(m: JSONRPCMessage): m is JSONRPCMessage & { method: 'notifications/cancelled'; params: { requestId: RequestId } } {
  return 'method' in m && m.method === 'notifications/cancelled' && !('id' in m) && typeof m.params === 'object' && m.params !== null && 'requestId' in m.params;
}

/** How long a POST's SSE stream may stay open after it has answered its request. */
export const STREAM_LINGER_MS = 5_000;

export class UpstreamHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The request carried a session id (so a 404/400 may mean the upstream no longer knows the session). */
    readonly withSession = false,
  ) {
    super(message);
  }

  /**
   * The upstream refused the session before processing anything: 404 as the
   * spec says (the client must start a new session), or the 400 some servers
   * (server-everything among them) answer for a session id they do not know.
   */
  get sessionLost(): boolean {
    return this.withSession && (this.status === 404 || this.status === 400);
  }
}

/**
 * The client side of MCP streamable HTTP for pooled upstream sessions, on
 * undici's `request` (Node streams, SSE read with eventsource-parser's plain
 * `feed` API) instead of fetch and web streams, which
 * cost the gateway a third of its CPU per proxied call. What the SDK's
 * StreamableHTTPClientTransport does for a client that only calls: POST each
 * message with the session id and protocol version, take the answer as JSON
 * or as an SSE stream, keep the session id the server assigns. It opens no
 * standalone GET stream (optional in the spec; Gatehouse needs no
 * server-initiated requests), does not resume broken streams, and follows a
 * redirect only to the same origin with the method kept (307/308), as the
 * SDK's default policy does; every hop passes the upstream address check.
 */
export class StreamableHttpClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  sessionId?: string;

  private protocolVersion?: string;
  private closed = false;
  /** Requests and streams in flight; closing the transport aborts them. */
  private readonly running = new Set<AbortController>();
  /** The same, by the id of the JSON-RPC request they carry: a cancelled request's POST is aborted. */
  private readonly requests = new Map<RequestId, AbortController>();
  private readonly dispatcher: Dispatcher;

  constructor(
    private readonly url: URL,
    /** `resolve`: how host names are resolved (tests); every connection's addresses are checked whichever it is. */
    private readonly opts: { headers?: Record<string, string>; allowPrivateUpstreams: boolean; resolve?: Resolve; streamLingerMs?: number },
  ) {
    this.dispatcher = upstreamDispatcher(opts.allowPrivateUpstreams, opts.resolve);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  async send(message: JSONRPCMessage, _options?: TransportSendOptions): Promise<void> {
    if (this.closed) throw new Error('transport is closed');
    const headers: Record<string, string> = {
      ...this.opts.headers,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    if (this.sessionId) headers['mcp-session-id'] = this.sessionId;
    if (this.protocolVersion) headers['mcp-protocol-version'] = this.protocolVersion;
    const controller = new AbortController();
    this.running.add(controller);
    const requestId = 'method' in message && 'id' in message ? message.id : undefined;
    if (requestId !== undefined) this.requests.set(requestId, controller);
    let streaming = false;
    try {
      const res = await this.post(JSON.stringify(message), headers, controller.signal);
      const session = res.headers['mcp-session-id'];
      if (typeof session === 'string' && session.length > 0) this.sessionId = session;
      if (res.statusCode === 202) return void (await res.body.dump());
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const text = await res.body.text().catch(() => '');
        throw new UpstreamHttpError(res.statusCode, `Error POSTing to endpoint (HTTP ${res.statusCode}): ${text.slice(0, 200)}`, headers['mcp-session-id'] !== undefined);
      }
      const type = String(res.headers['content-type'] ?? '').toLowerCase();
      if (type.startsWith('text/event-stream')) {
        streaming = true;
        void this.readStream(res.body, controller, requestId);
      } else if (type.startsWith('application/json')) {
        const data: unknown = await res.body.json();
        for (const m of Array.isArray(data) ? data : [data]) this.onmessage?.(parseJsonRpcMessage(m));
      } else {
        await res.body.dump();
        throw new UpstreamHttpError(res.statusCode, `Unexpected content type: ${type || 'none'}`);
      }
    } finally {
      if (!streaming) this.forget(controller, requestId);
      // The upstream has been told to stop: the request it will not answer no longer holds a connection.
      if (isCancellation(message)) this.requests.get(message.params.requestId)?.abort();
    }
  }

  private forget(controller: AbortController, requestId: RequestId | undefined): void {
    this.running.delete(controller);
    if (requestId !== undefined && this.requests.get(requestId) === controller) this.requests.delete(requestId);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const c of this.running) c.abort();
    this.running.clear();
    this.requests.clear();
    this.onclose?.();
    return Promise.resolve();
  }

  private async post(body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    let url = this.url;
    for (let hop = 0; ; hop++) {
      // The URL alone: the dispatcher checks the addresses of every connection it makes, and a request on a pooled
      // connection goes where that connection goes. A lookup per request cost a DNS round trip on every call.
      assertUpstreamUrl(url.href, this.opts.allowPrivateUpstreams);
      const res = await request(url, { method: 'POST', headers, body, signal, dispatcher: this.dispatcher });
      const location = res.headers.location;
      if (res.statusCode < 300 || res.statusCode >= 400 || typeof location !== 'string') return res;
      await res.body.dump();
      const target = new URL(location, url);
      if ((res.statusCode !== 307 && res.statusCode !== 308) || target.origin !== url.origin || target.username || target.password) {
        throw new UpstreamHttpError(res.statusCode, `Redirect not followed (HTTP ${res.statusCode} to another origin or method)`);
      }
      if (hop === MAX_UPSTREAM_REDIRECTS) throw new UpstreamHttpError(res.statusCode, `more than ${MAX_UPSTREAM_REDIRECTS} redirects`);
      url = target;
    }
  }

  /**
   * Hands each message of an SSE answer to the client as it arrives. A stream
   * that ends or breaks before answering the request that opened it (the
   * upstream crashed mid-call) answers it with an error at once, rather than
   * leaving the call to its timeout. A stream the upstream keeps open after
   * its answer is closed from this side after a grace period, so it cannot
   * hold a connection (and this transport's bookkeeping) forever.
   */
  private async readStream(body: Body, controller: AbortController, requestId: RequestId | undefined): Promise<void> {
    let answered = requestId === undefined;
    let failure = 'the upstream ended the stream before answering';
    let linger: NodeJS.Timeout | undefined;
    const onEvent = (event: EventSourceMessage): void => {
      if ((event.event ?? 'message') !== 'message' || event.data === '') return;
      try {
        const message = parseJsonRpcMessage(JSON.parse(event.data));
        if ('id' in message && !('method' in message) && message.id === requestId) {
          answered = true;
          linger ??= setTimeout(() => controller.abort(), this.opts.streamLingerMs ?? STREAM_LINGER_MS).unref();
        }
        this.onmessage?.(message);
      } catch (err) {
        this.onerror?.(err instanceof Error ? err : new Error('invalid message in the upstream stream'));
      }
    };
    const parser = createParser({ onEvent });
    try {
      body.setEncoding('utf8');
      for await (const chunk of body as AsyncIterable<string>) parser.feed(chunk);
    } catch (err) {
      failure = `the upstream stream broke: ${err instanceof Error ? err.message : 'unknown error'}`;
    } finally {
      clearTimeout(linger);
      this.forget(controller, requestId);
    }
    if (!answered && requestId !== undefined && !controller.signal.aborted) {
      this.onmessage?.({ jsonrpc: '2.0', id: requestId, error: { code: -32000, message: failure, data: STREAM_ENDED } });
    }
  }
}
