import { DEFAULT_SCAN_LIMITS, type Finding, type ScanConfig } from './guardrails.types.js';
import { renderStep } from './json-path.js';
import { redactionMarker } from './redaction-marker.js';
import { scanValue } from './scan.js';

interface Cut {
  start: number;
  end: number;
  kind: string;
}

/**
 * Replaces each span in `text` with `[REDACTED:<kind>]`. Overlapping or
 * touching spans become one marker (of the earliest span's kind), so a value
 * matched piecewise (`12345` found digit by digit) leaves one marker.
 */
export function redactText(text: string, cuts: readonly Cut[]): string {
  if (cuts.length === 0) return text;
  const sorted = [...cuts].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  let i = 0;
  while (i < sorted.length) {
    const { start, kind } = sorted[i];
    let end = sorted[i].end;
    for (i++; i < sorted.length && sorted[i].start <= end; i++) end = Math.max(end, sorted[i].end);
    const from = Math.max(start, at);
    const to = Math.min(end, text.length);
    if (to <= from) continue;
    out += text.slice(at, from) + redactionMarker(kind);
    at = to;
  }
  return out + text.slice(at);
}

/**
 * A copy of `value` with the text of each string finding replaced by
 * `[REDACTED:<kind>]`: same keys in the same order, same array lengths,
 * every non-string value as it was. Keys and numbers are never rewritten
 * (that would change the shape); the engine blocks when one of those needs
 * redacting. Given a configuration instead of findings, scans first and
 * redacts everything the configured detectors find.
 *
 * Subtrees without findings are shared with the input, not copied.
 */
export function redactValue(value: unknown, findingsOrConfig: readonly Finding[] | ScanConfig): unknown {
  if (isFindingList(findingsOrConfig)) return redactFindings(value, findingsOrConfig);
  // A redaction can leave a new token behind: a card number redacted out of `2223003122003222+SGVs…` leaves
  // `+SGVs…` standing alone, which the entropy check judges on its own. So scan again until a round finds nothing
  // (the value comes back as it went in); inputs seen need two rounds, and the bound stops a pathological one.
  let current = value;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = redactFindings(current, scanValue(current, findingsOrConfig));
    if (next === current) break;
    current = next;
  }
  return current;
}

/** Bound on scan-and-redact rounds. */
const MAX_PASSES = 4;

function redactFindings(value: unknown, findings: readonly Finding[]): unknown {
  const byPath = new Map<string, Cut[]>();
  for (const f of findings) {
    if (f.target !== 'string' || f.end <= f.start) continue;
    let cuts = byPath.get(f.path);
    if (!cuts) byPath.set(f.path, (cuts = []));
    cuts.push({ start: f.start, end: f.end, kind: f.kind });
  }
  if (byPath.size === 0) return value;
  const prefixes = pathPrefixes(byPath.keys());
  return rewrite(value, '$', 0, byPath, prefixes);
}

function isFindingList(x: readonly Finding[] | ScanConfig): x is readonly Finding[] {
  return Array.isArray(x);
}

/**
 * Every path that leads to a finding, so the walk can leave other subtrees
 * alone without rendering their paths. Paths are cut at step boundaries: a
 * `.`/`[` outside a quoted member name.
 */
function pathPrefixes(paths: Iterable<string>): Set<string> {
  const prefixes = new Set<string>();
  for (const path of paths) {
    let quoted = false;
    for (let i = 1; i < path.length; i++) {
      const c = path[i];
      if (quoted) {
        if (c === '\\') i++;
        else if (c === "'") quoted = false;
      } else if (c === "'") {
        quoted = true;
      } else if (c === '.' || c === '[') {
        prefixes.add(path.slice(0, i));
      }
    }
    prefixes.add(path);
  }
  return prefixes;
}

function rewrite(
  value: unknown,
  path: string,
  depth: number,
  byPath: ReadonlyMap<string, Cut[]>,
  prefixes: ReadonlySet<string>,
): unknown {
  if (!prefixes.has(path)) return value;
  if (typeof value === 'string') {
    const cuts = byPath.get(path);
    return cuts ? redactText(value, cuts) : value;
  }
  if (depth >= DEFAULT_SCAN_LIMITS.maxDepth || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    return value.map((item, i) => rewrite(item, path + renderStep(i), depth + 1, byPath, prefixes));
  }
  // A member is written `[~n]` in paths when its name held a finding; `[~` never begins any other step,
  // so whichever of the two forms leads to a finding is the one the scan wrote.
  // fromEntries defines own properties, so a member named "__proto__" stays a member.
  return Object.fromEntries(
    Object.keys(value).map((key, ordinal) => {
      const maskedPath = path + renderStep({ key, ordinal, masked: true });
      const childPath = prefixes.has(maskedPath) ? maskedPath : path + renderStep({ key, ordinal, masked: false });
      return [key, rewrite((value as Record<string, unknown>)[key], childPath, depth + 1, byPath, prefixes)];
    }),
  );
}
