import { FINDING_KINDS } from './detector-kinds.js';

const OPEN = '[REDACTED:';

export function redactionMarker(kind: string): string {
  return `${OPEN}${kind}]`;
}

/** Offsets of the redaction markers already in `text` (of known kinds only). */
export function markerSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (let at = text.indexOf(OPEN); at !== -1; at = text.indexOf(OPEN, at + 1)) {
    const close = text.indexOf(']', at + OPEN.length);
    if (close === -1) break;
    if (close - at > 64) continue;
    if (FINDING_KINDS.has(text.slice(at + OPEN.length, close))) spans.push({ start: at, end: close + 1 });
  }
  return spans;
}

/**
 * The parts of [start, end) outside every marker. A detector that matches
 * text it placed there itself (a keyword "email" inside `[REDACTED:email]`)
 * then reports nothing, which is what makes redacting twice the same as once;
 * a match that reaches beyond a marker keeps the part outside it.
 */
export function outsideMarkers(start: number, end: number, markers: readonly { start: number; end: number }[]): [number, number][] {
  let pieces: [number, number][] = [[start, end]];
  for (const m of markers) {
    if (m.end <= start || m.start >= end) continue;
    const next: [number, number][] = [];
    for (const [s, e] of pieces) {
      if (m.end <= s || m.start >= e) next.push([s, e]);
      else {
        if (s < m.start) next.push([s, m.start]);
        if (m.end < e) next.push([m.end, e]);
      }
    }
    pieces = next;
  }
  return pieces;
}
