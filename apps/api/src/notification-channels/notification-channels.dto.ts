import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { maskChannelUrl, type ChannelType, type NotificationChannel } from '@gatehouse/notifications';

const TYPES: ChannelType[] = ['webhook', 'slack'];

export class CreateNotificationChannelDto {
  @ApiProperty({ example: 'on-call', description: 'Unique in the organisation' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'name may only contain letters, digits, ".", "_" and "-"' })
  name: string;

  @ApiPropertyOptional({
    enum: TYPES,
    default: 'webhook',
    example: 'webhook',
    description: '`webhook`: signed JSON (`approval.requested`); `slack`: a Slack incoming-webhook message with approve/deny buttons (signed too)',
  })
  @IsOptional()
  @IsIn(TYPES)
  type?: ChannelType;

  @ApiProperty({
    example: 'https://hooks.example.com/gatehouse',
    description: 'https (http only where ALLOW_PRIVATE_UPSTREAMS is set); private, loopback and link-local targets are refused, also at delivery time',
  })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({ default: true, example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateNotificationChannelDto extends PartialType(CreateNotificationChannelDto) {}

export class NotificationChannelDto {
  @ApiProperty({ example: 'chan_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  id: string;

  @ApiProperty({ example: 'on-call' })
  name: string;

  @ApiProperty({ enum: TYPES, example: 'webhook' })
  type: ChannelType;

  @ApiProperty({
    example: 'https://hooks.slack.com/services/…abcd',
    description: 'Masked: scheme, host, first path segment and the last 4 characters (a webhook URL can be a credential)',
  })
  url: string;

  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  created_at: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  updated_at: string;
}

export class NotificationChannelWithSecretDto extends NotificationChannelDto {
  @ApiProperty({
    example: 'whsec_3xQ9mZ2LrT7vK1pB8nW4yD6cF0aH5jUe',
    description: 'Signing secret, shown only in this answer: verify `Gatehouse-Signature` with it (see the README)',
  })
  secret: string;
}

export class NotificationChannelListDto {
  @ApiProperty({ type: [NotificationChannelDto] })
  notification_channels: NotificationChannelDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  next_cursor: string | null;
}

export function toNotificationChannelDto(c: NotificationChannel): NotificationChannelDto {
  return { id: c.id, name: c.name, type: c.type, url: maskChannelUrl(c.url), enabled: c.enabled, created_at: c.createdAt.toISOString(), updated_at: c.updatedAt.toISOString() };
}
