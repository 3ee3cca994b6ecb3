import { Matches } from 'class-validator';

/** A body or query field that must hold the id of a resource (`<prefix>_` and 26 base-32 characters), e.g. IsResourceId('gw', 'a gateway'). */
export function IsResourceId(prefix: string, what: string): PropertyDecorator {
  return Matches(new RegExp(`^${prefix}_[0-9a-z]{26}$`), { message: `must be ${what} id (${prefix}_…)` });
}
