import { Body, Controller, Get, Head, HttpCode, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExcludeEndpoint, ApiExtraModels, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApprovalsService, type ApprovalAction } from '@gatehouse/approvals';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { ApproveCsrfService } from './approve-csrf.service.js';
import { LinkActionPipe, ResolveApprovalDto, ResolvedApprovalDto } from './approve.dto.js';
import { ApproveFormGuard, ApproveRateLimitGuard } from './approve.guards.js';
import { applyPageHeaders, prefersHtml } from './approve.http.js';
import { toDecidedView, toResolvedDto } from './approve.mapper.js';
import { renderApprovalPage, renderDecidedPage } from './approve.page.js';
import { ApprovePageFilter } from './approve-page.filter.js';

const HTML = { 'text/html': { schema: { type: 'string' as const } } };
const AS_PAGES = ' Browsers (Accept preferring text/html) get every answer, errors included, as an HTML page.';

/**
 * The public approve/deny links (SPEC §4): no credential, the single-use
 * token in the URL is the capability. Pages for browsers, JSON for API
 * clients; a used, expired or unknown token is 410 either way.
 */
@ApiTags('approvals')
@ApiExtraModels(ResolvedApprovalDto)
@Controller('v1/approve')
@UseGuards(ApproveRateLimitGuard, ApproveFormGuard)
@UseFilters(ApprovePageFilter)
@ApiParam({ name: 'token', description: 'The single-use token of the approval link', example: 'apt_3kTq…' })
export class ApproveController {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly csrf: ApproveCsrfService,
  ) {}

  /** Link checkers and mail scanners send HEAD: Express would run the GET handler (and deny), so HEAD decides nothing. */
  @Head(':token')
  @ApiExcludeEndpoint()
  probe(@Res({ passthrough: true }) res: Response): void {
    applyPageHeaders(res);
    res.type('html');
  }

  @Get(':token')
  @ApiOperation({
    summary: 'Approval link: `action=approve` shows the request and a duration picker (once/1h/8h/24h); `action=deny` denies at once',
    description: 'Public (no credential), rate-limited per IP. A used, expired or unknown token answers 410.' + AS_PAGES,
  })
  @ApiQuery({ name: 'action', enum: ['approve', 'deny'] })
  @ApiResponse({ status: 200, description: 'The approval page, or the confirmation of a deny', content: HTML })
  @ApiErrors(400, 410, 429)
  async open(
    @Param('token') token: string,
    @Query('action', LinkActionPipe) action: ApprovalAction,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    applyPageHeaders(res);
    if (action === 'deny') {
      const denied = await this.approvals.decideByToken(token, 'deny', 'once');
      res.type('html');
      return renderDecidedPage(toDecidedView(denied));
    }
    const approval = await this.approvals.forLink(token);
    res.type('html');
    return renderApprovalPage(approval, { linkToken: token, csrfToken: this.csrf.issue(req, res, token), now: new Date() });
  }

  @Post(':token')
  @HttpCode(200)
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: ResolveApprovalDto })
  @ApiOperation({
    summary: 'Resolve an approval through its link: JSON `{action, duration}` or the page’s form',
    description:
      'Public (no credential), rate-limited per IP. JSON answers JSON; the form (which must carry its CSRF value and come from our own page) answers a ' +
      'confirmation page. Of two concurrent resolutions exactly one wins; the other, and any later use, gets 410.' + AS_PAGES,
  })
  @ApiResponse({
    status: 200,
    description: 'Decided (a confirmation page for the form)',
    content: { 'application/json': { schema: { $ref: getSchemaPath(ResolvedApprovalDto) } }, ...HTML },
  })
  @ApiErrors(400, 403, 410, 415, 429)
  async resolve(
    @Param('token') token: string,
    @Body() b: ResolveApprovalDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ResolvedApprovalDto | string> {
    applyPageHeaders(res);
    const decided = await this.approvals.decideByToken(token, b.action, b.duration ?? 'once');
    if (!prefersHtml(req)) return toResolvedDto(decided);
    res.type('html');
    return renderDecidedPage(toDecidedView(decided));
  }
}
