import { createHash } from 'node:crypto';

export interface ToolDefinition {
  name: string;
  description: string | null;
  inputSchema: unknown;
}

export interface PinnedTool extends ToolDefinition {
  fingerprint: string;
  state: 'active' | 'quarantined' | 'removed';
  pendingFingerprint: string | null;
}

/** JSON with sorted keys, so that key order in an upstream's answer never changes a fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function fingerprintTool(tool: ToolDefinition): string {
  return createHash('sha256')
    .update(canonicalJson({ name: tool.name, description: tool.description ?? null, inputSchema: tool.inputSchema ?? null }))
    .digest('hex');
}

export type PinningEvent =
  | { kind: 'added'; tool: ToolDefinition; fingerprint: string }
  | { kind: 'changed'; before: ToolDefinition; after: ToolDefinition; fingerprint: string }
  | { kind: 'removed'; tool: ToolDefinition }
  | { kind: 'returned'; tool: ToolDefinition; fingerprint: string };

/**
 * Compares what an upstream answers now with what was pinned. First sight of
 * a connector pins everything as-is; afterwards a new tool is recorded and
 * served, a changed definition is quarantined (a rug pull is exactly a silent
 * change of description or schema), a vanished tool is marked removed. A
 * change already pending with the same fingerprint is not reported again.
 */
export function reconcileTools(pinned: PinnedTool[], observed: ToolDefinition[]): PinningEvent[] {
  const byName = new Map(pinned.map((p) => [p.name, p]));
  const seen = new Set<string>();
  const events: PinningEvent[] = [];
  for (const tool of observed) {
    seen.add(tool.name);
    const fingerprint = fingerprintTool(tool);
    const pin = byName.get(tool.name);
    if (!pin) events.push({ kind: 'added', tool, fingerprint });
    else if (pin.state === 'removed') {
      if (pin.fingerprint === fingerprint) events.push({ kind: 'returned', tool, fingerprint });
      else if (pin.pendingFingerprint !== fingerprint) events.push({ kind: 'changed', before: pin, after: tool, fingerprint });
    } else if (pin.fingerprint !== fingerprint && pin.pendingFingerprint !== fingerprint) {
      events.push({ kind: 'changed', before: pin, after: tool, fingerprint });
    }
  }
  for (const pin of pinned) {
    if (!seen.has(pin.name) && pin.state !== 'removed') events.push({ kind: 'removed', tool: pin });
  }
  return events;
}
