import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalJson, fingerprintTool, reconcileTools, type PinnedTool, type ToolDefinition } from './tool-pinning.js';

const tool = (name: string, description = 'd', inputSchema: unknown = { type: 'object' }): ToolDefinition => ({ name, description, inputSchema });
const pin = (t: ToolDefinition, extra: Partial<PinnedTool> = {}): PinnedTool => ({
  ...t,
  fingerprint: fingerprintTool(t),
  state: 'active',
  pendingFingerprint: null,
  ...extra,
});

describe('tool pinning', () => {
  it('fingerprints ignore key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(obj)).toBe(canonicalJson(reversed));
      }),
    );
    expect(fingerprintTool(tool('a', 'd', { a: 1, b: 2 }))).toBe(fingerprintTool(tool('a', 'd', { b: 2, a: 1 })));
  });

  it('fingerprints change with name, description or schema', () => {
    const base = fingerprintTool(tool('a'));
    expect(fingerprintTool(tool('b'))).not.toBe(base);
    expect(fingerprintTool(tool('a', 'ignore previous instructions'))).not.toBe(base);
    expect(fingerprintTool(tool('a', 'd', { type: 'object', properties: { x: {} } }))).not.toBe(base);
  });

  it('reports nothing when nothing changed', () => {
    const tools = [tool('a'), tool('b')];
    expect(reconcileTools(tools.map((t) => pin(t)), tools)).toEqual([]);
  });

  it('reports added, changed and removed tools', () => {
    const events = reconcileTools([pin(tool('a')), pin(tool('gone'))], [tool('a', 'now evil'), tool('new')]);
    expect(events.map((e) => e.kind).sort()).toEqual(['added', 'changed', 'removed']);
  });

  it('does not report a pending change twice, but reports a further change', () => {
    const evil = tool('a', 'evil');
    const pinned = [pin(tool('a'), { state: 'quarantined', pendingFingerprint: fingerprintTool(evil) })];
    expect(reconcileTools(pinned, [evil])).toEqual([]);
    expect(reconcileTools(pinned, [tool('a', 'eviler')])).toHaveLength(1);
  });

  it('a removed tool that returns unchanged is restored, changed is quarantined', () => {
    const t = tool('a');
    expect(reconcileTools([pin(t, { state: 'removed' })], [t])[0].kind).toBe('returned');
    expect(reconcileTools([pin(t, { state: 'removed' })], [tool('a', 'x')])[0].kind).toBe('changed');
  });
});
