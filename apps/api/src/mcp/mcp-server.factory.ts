import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import {
  CallToolRequestSchema,
  CancelledNotificationSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type RequestId,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { DomainError, RateLimitedError } from '@gatehouse/common';
import { CallPipelineService, NoGatewayError, UnknownToolError, type CallContext } from '@gatehouse/dataplane';
import { RedisService } from '@gatehouse/redis';
import { APP_VERSION } from '../version.js';

/** In-flight calls of this replica, so a cancellation (which arrives as its own POST) can reach them. */
class InFlight {
  private readonly calls = new Map<string, { controller: AbortController; parent?: AbortSignal; onAbort?: () => void }>();

  /** A call whose handler has not run yet (a prepared call): a cancellation reaches it now, and `start` takes it over. */
  expect(key: string): void {
    if (!this.calls.has(key)) this.calls.set(key, { controller: new AbortController() });
  }

  start(key: string, parent: AbortSignal): AbortController {
    const expected = this.calls.get(key);
    const controller = expected && !expected.parent ? expected.controller : new AbortController();
    const onAbort = () => controller.abort();
    parent.addEventListener('abort', onAbort, { once: true });
    this.calls.set(key, { controller, parent, onAbort });
    return controller;
  }

  /** Forgets the call and lets go of its parent signal (no listener outlives the call). */
  finish(key: string, controller: AbortController): void {
    const call = this.calls.get(key);
    if (call?.controller !== controller) return;
    if (call.parent && call.onAbort) call.parent.removeEventListener('abort', call.onAbort);
    this.calls.delete(key);
  }

  /** Drops an expected call whose handler never ran. */
  forget(key: string): void {
    if (this.calls.get(key)?.parent === undefined) this.calls.delete(key);
  }

  /** false when the call is not running here (it may be on another replica). */
  cancel(key: string): boolean {
    const call = this.calls.get(key);
    call?.controller.abort();
    return call !== undefined;
  }
}

/** A call's key among this replica's in-flight calls: its session and its JSON-RPC id (unique only within a session). */
const callKey = (sessionId: string, requestId: RequestId): string => `${sessionId}:${String(requestId)}`;

/** Cancellations travel between replicas here: the POST carrying one may reach another process than the call. */
const CANCEL_CHANNEL = 'mcp:cancel';

/**
 * A fresh MCP server per request, bound to one caller's context: nothing is
 * shared between clients but the pipeline and its pools.
 */
@Injectable()
export class McpServerFactory implements OnModuleInit {
  private readonly logger = new Logger(McpServerFactory.name);
  private readonly inFlight = new InFlight();
  /**
   * The SDK builds an Ajv instance (every keyword, format and meta-schema) per
   * Server unless given a validator; it only validates elicitation answers,
   * which Gatehouse never requests. One shared, stateless validator keeps a
   * fresh Server per request cheap.
   */
  private readonly validator = new AjvJsonSchemaValidator();

  constructor(
    private readonly pipeline: CallPipelineService,
    private readonly redis: RedisService,
  ) {}

  onModuleInit(): void {
    // Not awaited: without Redis, cancellations still reach calls on this replica.
    this.redis
      .subscribe(CANCEL_CHANNEL, (key) => void this.inFlight.cancel(key))
      .catch((err: unknown) => this.logger.warn(`cross-replica cancellation unavailable: ${(err as Error).message}`));
  }

  /** Aborts the call here, or asks the other replicas to. Keys start with the session id, which only its own credential can present. */
  private cancel(key: string): void {
    if (this.inFlight.cancel(key)) return;
    this.redis.publish(CANCEL_CHANNEL, key).catch((err: unknown) => this.logger.warn(`could not forward a cancellation: ${(err as Error).message}`));
  }

  /**
   * A call begun before its server exists (a prepared tools/call, see
   * McpHttpService): registered now, so that a cancellation arriving while
   * it is being decided reaches it; its handler takes the registration over.
   * Returns what drops it, for a request whose handler never ran.
   */
  expectCall(sessionId: string, requestId: RequestId): () => void {
    const key = callKey(sessionId, requestId);
    this.inFlight.expect(key);
    return () => this.inFlight.forget(key);
  }

  create(ctx: CallContext, sessionId: string | null): Server {
    const server = new Server({ name: 'gatehouse', version: APP_VERSION }, {
      capabilities: { tools: { listChanged: false } },
      jsonSchemaValidator: this.validator,
    });

    server.setRequestHandler(ListToolsRequestSchema, async () => {
      try {
        const tools = await this.pipeline.listTools(ctx);
        return {
          tools: tools.map(
            (t): Tool => ({ name: t.name, description: t.description ?? undefined, inputSchema: t.inputSchema as Tool['inputSchema'] }),
          ),
        };
      } catch (err) {
        const mcp = toMcpError(err);
        if (mcp.code === Number(ErrorCode.InternalError)) {
          this.logger.error({ request_id: ctx.requestId, org_id: ctx.principal.orgId }, `tools/list failed: ${(err as Error).message}`);
        }
        throw mcp;
      }
    });

    server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
      // Only a call inside a session can be cancelled: a request id alone is not unique between clients.
      const key = sessionId ? callKey(sessionId, extra.requestId) : null;
      const controller = key ? this.inFlight.start(key, extra.signal) : null;
      try {
        return await this.pipeline.call(ctx, req.params.name, req.params.arguments, controller?.signal ?? extra.signal);
      } catch (err) {
        if (err instanceof RateLimitedError) {
          return { content: [{ type: 'text', text: `Rate limited: retry after ${err.retryAfterSeconds} s` }], isError: true };
        }
        const mcp = toMcpError(err);
        if (mcp.code !== Number(ErrorCode.InternalError)) throw mcp;
        // The pipeline answers every failure from the upstream on as a result: this one came before the call was made
        // (a lookup in Postgres or Redis failed). The agent learns that and that it may retry; the operator, why.
        this.logger.error({ request_id: ctx.requestId, org_id: ctx.principal.orgId }, `tools/call refused, the call was not made: ${(err as Error).message}`);
        return {
          content: [{ type: 'text', text: 'The call was not made: Gatehouse could not decide it (its database or cache is unavailable) and fails closed. Retry shortly.' }],
          isError: true,
        };
      } finally {
        if (key && controller) this.inFlight.finish(key, controller);
      }
    });

    server.setNotificationHandler(CancelledNotificationSchema, (n) => {
      if (sessionId && n.params.requestId !== undefined) this.cancel(callKey(sessionId, n.params.requestId));
      return Promise.resolve();
    });
    return server;
  }
}

/** JSON-RPC's range for implementation-defined server errors: a request over the caller's rate limit. */
const RATE_LIMITED_CODE = -32029;

function toMcpError(err: unknown): McpError {
  if (err instanceof McpError) return err;
  if (err instanceof RateLimitedError) {
    return new McpError(RATE_LIMITED_CODE, `Rate limited: retry after ${err.retryAfterSeconds} s`, { retryAfterSeconds: err.retryAfterSeconds });
  }
  if (err instanceof UnknownToolError) return new McpError(ErrorCode.InvalidParams, err.message);
  if (err instanceof NoGatewayError) return new McpError(ErrorCode.InvalidRequest, err.message);
  if (err instanceof DomainError && err.kind === 'not_found') return new McpError(ErrorCode.InvalidRequest, err.message);
  return new McpError(ErrorCode.InternalError, 'Internal error');
}
