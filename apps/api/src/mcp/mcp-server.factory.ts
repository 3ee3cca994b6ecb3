import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import {
  CallToolRequestSchema,
  CancelledNotificationSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { DomainError, RateLimitedError } from '@gatehouse/common';
import { CallPipelineService, NoGatewayError, UnknownToolError, type CallContext } from '@gatehouse/dataplane';
import { APP_VERSION } from '../version.js';

/** In-flight calls of this replica, so a cancellation (which arrives as its own POST) can reach them. */
class InFlight {
  private readonly calls = new Map<string, { controller: AbortController; parent: AbortSignal; onAbort: () => void }>();

  start(key: string, parent: AbortSignal): AbortController {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    parent.addEventListener('abort', onAbort, { once: true });
    this.calls.set(key, { controller, parent, onAbort });
    return controller;
  }

  /** Forgets the call and lets go of its parent signal (no listener outlives the call). */
  finish(key: string, controller: AbortController): void {
    const call = this.calls.get(key);
    if (call?.controller !== controller) return;
    call.parent.removeEventListener('abort', call.onAbort);
    this.calls.delete(key);
  }

  cancel(key: string): void {
    this.calls.get(key)?.controller.abort();
  }
}

/**
 * A fresh MCP server per request, bound to one caller's context: nothing is
 * shared between clients but the pipeline and its pools.
 */
@Injectable()
export class McpServerFactory {
  private readonly inFlight = new InFlight();
  /**
   * The SDK builds an Ajv instance (every keyword, format and meta-schema) per
   * Server unless given a validator; it only validates elicitation answers,
   * which Gatehouse never requests. One shared, stateless validator keeps a
   * fresh Server per request cheap.
   */
  private readonly validator = new AjvJsonSchemaValidator();

  constructor(private readonly pipeline: CallPipelineService) {}

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
        throw toMcpError(err);
      }
    });

    server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
      const key = `${sessionId ?? 'none'}:${String(extra.requestId)}`;
      const controller = this.inFlight.start(key, extra.signal);
      try {
        return await this.pipeline.call(ctx, req.params.name, req.params.arguments, controller.signal);
      } catch (err) {
        if (err instanceof RateLimitedError) {
          return { content: [{ type: 'text', text: `Rate limited: retry after ${err.retryAfterSeconds} s` }], isError: true };
        }
        throw toMcpError(err);
      } finally {
        this.inFlight.finish(key, controller);
      }
    });

    server.setNotificationHandler(CancelledNotificationSchema, (n) => {
      if (n.params.requestId !== undefined) this.inFlight.cancel(`${sessionId ?? 'none'}:${String(n.params.requestId)}`);
      return Promise.resolve();
    });
    return server;
  }
}

function toMcpError(err: unknown): McpError {
  if (err instanceof McpError) return err;
  if (err instanceof UnknownToolError) return new McpError(ErrorCode.InvalidParams, err.message);
  if (err instanceof NoGatewayError) return new McpError(ErrorCode.InvalidRequest, err.message);
  if (err instanceof DomainError && err.kind === 'not_found') return new McpError(ErrorCode.InvalidRequest, err.message);
  return new McpError(ErrorCode.InternalError, 'Internal error');
}
