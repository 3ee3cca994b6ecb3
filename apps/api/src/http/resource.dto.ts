import { ApiProperty } from '@nestjs/swagger';

/** Fields every org resource answers: when it was made and changed, and by which credential. */
export class AuditedResourceDto {
  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  created_at: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  updated_at: string;

  @ApiProperty({ nullable: true, type: String, example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z', description: 'key_…, cli_… or platform_admin' })
  created_by: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  updated_by: string | null;
}

export function auditedFields(r: { createdAt: Date; updatedAt: Date; createdBy: string | null; updatedBy: string | null }): AuditedResourceDto {
  return { created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString(), created_by: r.createdBy, updated_by: r.updatedBy };
}
