import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldProblemDto {
  @ApiProperty({ example: 'name' })
  field: string;

  @ApiProperty({ example: 'must be a string' })
  message: string;
}

export class ErrorDetailDto {
  @ApiProperty({ example: 'api_key_not_found' })
  code: string;

  @ApiProperty({ example: 'No api key found with id key_01jb2m4c8q3r5s7t9v1w3x5y7z' })
  message: string;

  @ApiProperty({ example: 404 })
  status: number;

  @ApiProperty({ example: 'req_4f1c1e9e-55b4-4d5b-9f55-5b4e3c2d1a0f' })
  request_id: string;

  @ApiPropertyOptional({ type: [FieldProblemDto] })
  details?: FieldProblemDto[];
}

export class ErrorResponseDto {
  @ApiProperty({ type: ErrorDetailDto })
  error: ErrorDetailDto;
}
