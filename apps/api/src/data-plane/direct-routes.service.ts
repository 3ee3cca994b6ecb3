import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { AuthenticatorService, type Scope } from '@gatehouse/credentials';
import { CheckService, type CheckRequest } from '@gatehouse/dataplane';
import { authenticateRequest } from '../auth/credential.guard.js';
import { CheckRequestDto, plainCheckRequest } from '../check/check.request.js';
import { observeDuration } from '../health/metrics.js';
import { readJsonBody } from '../http/body-errors.js';
import { attachRequestLog } from '../http/logger.options.js';
import { singleHeader } from '../http/headers.js';
import { assignRequestId } from '../http/request-id.js';
import { sendError, sendJson } from '../http/send-error.js';
import { createValidationPipe } from '../http/validation.pipe.js';
import { McpHttpService } from '../mcp/mcp-http.service.js';
import { directRouteOf, type DirectRoute } from './direct-route.js';

const MCP_CALL: readonly Scope[] = ['mcp:call'];

/**
 * The data plane's hot requests (POST /v1/check, POST /mcp/:orgSlug) answered
 * below Express's router and Nest's guard/pipe/filter chain, which cost about
 * as much CPU as the check itself. Same steps in the same order as the Nest
 * routes (body parser, credential + scope, validation, service, SPEC §5
 * errors), with the same pieces: the app's JSON parser, `authenticateRequest`,
 * the ValidationPipe for any body that is not plainly valid, `sendError`.
 * The controllers stay the documented routes and answer everything else.
 * Requests here stay plain Node objects: dressing them as Express does
 * (`Object.setPrototypeOf` per request) pushed every request object off V8's
 * fast path and cost more than the router itself.
 */
@Injectable()
export class DirectRoutes {
  private readonly validation = createValidationPipe();

  constructor(
    private readonly authenticator: AuthenticatorService,
    private readonly checks: CheckService,
    private readonly mcp: McpHttpService,
  ) {}

  /**
   * The HTTP server's request listener: a direct route is served here, and
   * every other request goes to `express` (and so to Nest) untouched. Express's
   * own router costs a closure per middleware layer and a fifth of the heap a
   * check allocates, so the direct routes sit in front of it. Bodies are read
   * by `readJsonBody` with the app's `bodyLimit` (bytes), so limits and errors
   * match the JSON parser of the other routes; `log` writes the access log
   * lines, as `requestLoggerMiddleware` does for the other routes.
   */
  listener(express: Express, bodyLimit: number, log: Logger): (req: IncomingMessage, res: ServerResponse) => void {
    return (req: Direct, res) => {
      const route = directRouteOf(req.method, req.url, req.headers);
      if (!route) {
        express(req, res);
        return;
      }
      const id = (req.id = assignRequestId(req, res));
      attachRequestLog(req, res, log, id);
      observeDuration(req, res, route.template);
      this.serve(route, req, res, bodyLimit).catch((err: unknown) => sendError(req, res, err));
    };
  }

  private async serve(route: DirectRoute, req: Direct, res: ServerResponse, bodyLimit: number): Promise<void> {
    req.body = await readJsonBody(req, bodyLimit);
    const principal = await authenticateRequest(this.authenticator, req, MCP_CALL);
    if (route.kind === 'mcp') {
      this.mcp.assertOrg(principal, route.orgSlug);
      await this.mcp.post(principal, req, res);
      return;
    }
    const request = plainCheckRequest(req.body) ?? ((await this.validation.transform(req.body, { type: 'body', metatype: CheckRequestDto })) as CheckRequest);
    const verdict = await this.checks.check(principal, request, { name: singleHeader(req, 'x-mcp-gateway'), version: singleHeader(req, 'x-mcp-gateway-version') });
    sendJson(res, 200, verdict);
  }
}

/** A request on a direct route: its id, and its body once the JSON parser has read it. */
type Direct = IncomingMessage & { id?: unknown; body?: unknown };
