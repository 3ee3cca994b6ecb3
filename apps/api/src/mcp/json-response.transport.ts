import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import {
  isInitializeRequest,
  JSONRPCMessageSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type InitializeRequest,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
  type RequestInfo,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * The one POST shape that carries nearly all traffic — a single, valid
 * JSON-RPC message after initialization, with headers the SDK's transport
 * would accept — or null. Anything else (initialize, batches, a bad Accept,
 * Content-Type or MCP-Protocol-Version, an invalid message) goes through the
 * SDK's StreamableHTTPServerTransport, which answers it exactly as the spec
 * and the SDK say.
 */
export function singleMessageOf(req: IncomingMessage, body: unknown): JSONRPCMessage | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  if (!hasStreamableHttpHeaders(req)) return null;
  const version = req.headers['mcp-protocol-version'];
  if (version !== undefined && (typeof version !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(version))) return null;
  const parsed = JSONRPCMessageSchema.safeParse(body);
  if (!parsed.success || isInitialize(parsed.data)) return null;
  return parsed.data;
}

/** Accept and Content-Type as a streamable HTTP POST must have them (else the SDK's transport answers 406 or 415). */
export function hasStreamableHttpHeaders(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  return !!accept?.includes('application/json') && accept.includes('text/event-stream') && isJsonContentType(req.headers['content-type']);
}

/**
 * The SDK's `isInitializeRequest`, asked only of a message whose method is
 * `initialize`: for every other message the schema's failed parse (and the
 * error it builds) was a cost per request with a known answer.
 */
export function isInitialize(body: unknown): body is InitializeRequest {
  return typeof body === 'object' && body !== null && (body as { method?: unknown }).method === 'initialize' && isInitializeRequest(body);
}

/**
 * What `StreamableHTTPServerTransport` does in stateless JSON-response mode
 * for one message, without converting the Node request and response to web
 * standard objects and back (that conversion cost more than the call it
 * carried). A request is answered with its JSON-RPC response (200,
 * application/json); a notification or response is accepted with a 202.
 * Messages the server sends that are not the answer (notifications related
 * to the request) are dropped, as the SDK's JSON-response mode drops them.
 * One transport per HTTP request, like the SDK's stateless transport.
 */
export class JsonResponseTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private closed = false;
  private awaiting: RequestId | null = null;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  /** Hands the message to the server; the answer is written by `send`. */
  dispatch(message: JSONRPCMessage): void {
    const extra: MessageExtraInfo = { requestInfo: new LazyRequestInfo(this.req) };
    // The message was parsed as one (singleMessageOf): with a method and an id it is a request.
    if (!('method' in message && 'id' in message)) {
      this.onmessage?.(message, extra);
      this.res.writeHead(202).end();
      return;
    }
    this.awaiting = message.id;
    this.onmessage?.(message, extra);
  }

  send(message: JSONRPCMessage): Promise<void> {
    // The server's own messages: an answer has a result or an error and no method (anything else is dropped).
    if ('method' in message || !('result' in message || 'error' in message)) return Promise.resolve();
    if (this.closed || message.id !== this.awaiting) {
      return Promise.reject(new Error(`No connection established for request ID: ${String(message.id)}`));
    }
    this.awaiting = null;
    const body = JSON.stringify(message);
    this.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.onclose?.();
    return Promise.resolve();
  }
}

/**
 * The request as the SDK's transport describes it to handlers, built when a
 * handler first looks: none of Gatehouse's does, and building both on every
 * request cost more than the rest of the transport.
 */
class LazyRequestInfo implements RequestInfo {
  private built?: { headers: Record<string, string>; url: URL | undefined };

  constructor(private readonly req: IncomingMessage) {}

  get headers(): Record<string, string> {
    return this.build().headers;
  }

  get url(): URL | undefined {
    return this.build().url;
  }

  private build(): { headers: Record<string, string>; url: URL | undefined } {
    return (this.built ??= { headers: webHeaders(this.req.headers), url: requestUrl(this.req) });
  }
}

/** The headers as the SDK's transport hands them to handlers (a web Headers object's entries: lower-case names, one string each). */
function webHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The URL the request reached, with the scheme of the connection it came on. */
function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', `${(req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`);
  } catch {
    return undefined;
  }
}
