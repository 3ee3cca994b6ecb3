import { Injectable, type PipeTransform } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ValidationError } from '@gatehouse/common';
import { DURATIONS, type ApprovalAction, type ApprovalDuration } from '@gatehouse/approvals';

const ACTIONS: readonly ApprovalAction[] = ['approve', 'deny'];

export class ResolveApprovalDto {
  @ApiProperty({ enum: ACTIONS, example: 'approve' })
  @IsIn(ACTIONS)
  action: ApprovalAction;

  @ApiPropertyOptional({
    enum: DURATIONS,
    default: 'once',
    example: '1h',
    description: 'For approve: `once` lets the held call through; 1h/8h/24h also grant the same credential + connector + tool until then',
  })
  @IsOptional()
  @IsIn(DURATIONS)
  duration?: ApprovalDuration;

  @ApiPropertyOptional({ description: 'Form posts only: the hidden field of the approval page (double-submit CSRF value)', example: 'Zp3l…' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  csrf_token?: string;
}

export class ResolvedApprovalDto {
  @ApiProperty({ example: 'appr_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ enum: ['approved', 'denied'], example: 'approved' })
  status: string;

  @ApiProperty({ enum: DURATIONS, nullable: true, type: String, example: '1h', description: 'null when denied' })
  duration: string | null;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  decided_at: string;

  @ApiProperty({ nullable: true, type: String, example: 'grant_01jb2m4c8q3r5s7t9v1w3x5y7z', description: 'The grant a 1h/8h/24h approval made' })
  grant_id: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T10:00:00.000Z', description: 'When the grant ends' })
  grant_expires_at: string | null;
}

/** `?action=` of a link: approve or deny; other query parameters (mail trackers add some) are ignored. */
@Injectable()
export class LinkActionPipe implements PipeTransform<unknown, ApprovalAction> {
  transform(value: unknown): ApprovalAction {
    if (typeof value === 'string' && (ACTIONS as readonly string[]).includes(value)) return value as ApprovalAction;
    throw new ValidationError([{ field: 'action', message: `must be one of: ${ACTIONS.join(', ')}` }]);
  }
}
