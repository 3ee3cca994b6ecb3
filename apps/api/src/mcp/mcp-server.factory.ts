import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
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
  private readonly calls = new Map<string, AbortController>();

  start(key: string, parent: AbortSignal): AbortController {
    const controller = new AbortController();
    parent.addEventListener('abort', () => controller.abort(), { once: true });
    this.calls.set(key, controller);
    return controller;
  }

  finish(key: string): void {
    this.calls.delete(key);
  }

  cancel(key: string): void {
    this.calls.get(key)?.abort();
  }
}

/**
 * A fresh MCP server per request, bound to one caller's context: nothing is
 * shared between clients but the pipeline and its pools.
 */
@Injectable()
export class McpServerFactory {
  private readonly inFlight = new InFlight();

  constructor(private readonly pipeline: CallPipelineService) {}

  create(ctx: CallContext, sessionId: string | null): Server {
    const server = new Server({ name: 'gatehouse', version: APP_VERSION }, { capabilities: { tools: { listChanged: false } } });

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
        this.inFlight.finish(key);
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
