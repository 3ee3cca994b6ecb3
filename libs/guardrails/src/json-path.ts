/**
 * One step of a path: an array index, an object member, or a member whose
 * name held a finding. Such a name is never written out (it may be the very
 * e-mail address that was found); `[~2]` says "the member at position 2 of
 * this object", which redaction can still resolve.
 */
export type PathStep = number | { key: string; ordinal: number; masked: boolean };

const PLAIN_MEMBER = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

export function renderStep(step: PathStep): string {
  if (typeof step === 'number') return `[${step}]`;
  if (step.masked) return `[~${step.ordinal}]`;
  if (PLAIN_MEMBER.test(step.key)) return `.${step.key}`;
  return `['${step.key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

export function renderPath(steps: readonly PathStep[]): string {
  let path = '$';
  for (const step of steps) path += renderStep(step);
  return path;
}
