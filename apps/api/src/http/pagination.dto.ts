import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@gatehouse/common';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, example: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page', example: 'key_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z]+_[0-9a-z]{26}$/, { message: 'must be a next_cursor value from a previous page' })
  cursor?: string;
}
