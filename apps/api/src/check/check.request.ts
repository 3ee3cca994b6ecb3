import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import type { CheckRequest } from '@gatehouse/dataplane';

export class CheckRequestDto {
  @ApiProperty({ example: 'demo', description: 'Connector name' })
  @IsString()
  @Length(1, 200)
  serverName: string;

  @ApiProperty({ example: 'send_email' })
  @IsString()
  @Length(1, 200)
  toolName: string;

  @ApiPropertyOptional({ example: { to: 'someone@example.com' }, description: 'Evaluated in memory only, never stored' })
  @IsOptional()
  args?: unknown;
}

const FIELDS = new Set(['serverName', 'toolName', 'args']);
/** What class-validator's length counts differently from UTF-16 units: surrogate pairs, variation selectors. */
const COUNTED_APART = /[\uD800-\uDFFF]|\uFE0E|\uFE0F/;
/**
 * The keys the ValidationPipe does not hand on: those Nest deletes from a body
 * before validating it (`__proto__`, `prototype`, `constructor`), and those
 * class-transformer skips when it copies a plain object, the names of
 * Object.prototype's functions and accessors (`toString`, `valueOf`, …).
 */
const STRIPPED = [...new Set(['prototype', ...Object.getOwnPropertyNames(Object.prototype)])];

function plainName(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= 200 && !COUNTED_APART.test(v);
}

/** True when some object inside `value` (parsed JSON: no cycles) has a key the ValidationPipe would delete. */
function hasStrippedKey(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (!Array.isArray(v) && STRIPPED.some((k) => Object.hasOwn(v, k))) return true;
    for (const item of Object.values(v)) stack.push(item);
  }
  return false;
}

/**
 * A /v1/check body that is plainly valid (nearly every one) as the service
 * takes it; null when it is not, and the ValidationPipe with CheckRequestDto
 * must judge and word it. Whatever this accepts, the pipe accepts unchanged
 * (a property test holds it to that), so both routes answer alike.
 */
export function plainCheckRequest(body: unknown): CheckRequest | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) return null;
  const { serverName, toolName, args } = body as Record<string, unknown>;
  if (!plainName(serverName) || !plainName(toolName) || hasStrippedKey(args)) return null;
  return args === undefined ? { serverName, toolName } : { serverName, toolName, args };
}
