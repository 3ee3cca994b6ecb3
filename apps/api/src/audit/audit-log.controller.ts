import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditLogService } from '@gatehouse/audit';
import type { Principal } from '@gatehouse/credentials';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Scopes } from '../auth/scopes.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { AuditExportQueryDto, AuditListDto, AuditQueryDto, CSV_HEADER, toAuditEntryDto, toCsvRow } from './audit-log.dto.js';

const filterOf = (q: AuditQueryDto) => ({ from: q.from, to: q.to, connectorId: q.connector_id, agentId: q.agent_id, decision: q.decision, cursor: q.cursor });

@ApiTags('audit')
@Controller('api/audit')
export class AuditLogController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  @Scopes('audit:read')
  @ApiOperation({ summary: 'Data-plane audit entries, newest first (seed apexmcp); never arguments or results' })
  @ApiResponse({ status: 200, type: AuditListDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: AuditQueryDto): Promise<AuditListDto> {
    const page = await this.audit.list(p.orgId, filterOf(q), q.limit);
    return { entries: page.items.map(toAuditEntryDto), next_cursor: page.nextCursor };
  }

  @Get('export')
  @Scopes('audit:read')
  @ApiOperation({ summary: 'Stream every matching entry as NDJSON or CSV (same filters, no page limit)' })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiResponse({ status: 200, description: 'One entry per line' })
  @ApiErrors(400)
  async export(@CurrentPrincipal() p: Principal, @Query() q: AuditExportQueryDto, @Res() res: Response): Promise<void> {
    const csv = q.format === 'csv';
    res.setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    res.setHeader('Content-Disposition', `attachment; filename="audit.${csv ? 'csv' : 'ndjson'}"`);
    if (csv) res.write(`${CSV_HEADER}\n`);
    let closed = false;
    res.on('close', () => (closed = true));
    for await (const batch of this.audit.stream(p.orgId, filterOf(q))) {
      if (closed || res.destroyed) break;
      const text = batch.map((e) => (csv ? toCsvRow(toAuditEntryDto(e)) : JSON.stringify(toAuditEntryDto(e)))).join('\n');
      // Respect back-pressure: a slow reader never makes the process buffer the whole log.
      // A reader gone while its buffer is full never drains: its close ends the wait too.
      if (!res.write(`${text}\n`)) await drainedOrClosed(res);
    }
    res.end();
  }
}

function drainedOrClosed(res: Response): Promise<void> {
  if (res.destroyed) return Promise.resolve(); // its 'close' may already have been emitted
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
