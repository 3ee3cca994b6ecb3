import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mergeGatewayPatch, mergeServersConfig, serverKey } from './servers-config.merge.js';
import type { GuardrailsConfig, JsonValue, ServerEntry, ServersConfig } from './servers-config.types.js';

type Obj = Record<string, unknown>;

// Few names and versions, so that patches hit stored servers often.
const names = fc.constantFrom('fs', 'github', 'db', 'mail', 'search');
const versions = fc.constantFrom('v1', 'v2', 'v3');
const keys = fc.constantFrom('a', 'b', 'c', 'pii_redaction', 'keywords', 'patterns');
const json: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>;
const detectorList = fc.subarray(['pii', 'secrets', 'injection_attack', 'keyword_detector', 'regex']);

const guardrails: fc.Arbitrary<GuardrailsConfig> = fc.record({
  enabled: fc.boolean(),
  guardrail_name: fc.string({ minLength: 1, maxLength: 8 }),
  additional_config: fc.dictionary(keys, json, { maxKeys: 4 }),
  block: detectorList,
});

const server: fc.Arbitrary<ServerEntry> = fc.record(
  {
    saved_name: names,
    server_version: versions,
    input_guardrails_config: guardrails,
    output_guardrails_config: guardrails,
    tools: fc.array(fc.constantFrom('read', 'write', 'list', 'query'), { maxLength: 3 }),
  },
  { requiredKeys: ['saved_name', 'server_version'] },
);

const storedConfig: fc.Arbitrary<ServersConfig> = fc.record({
  common_overrides: fc.record(
    { input_guardrails_config: guardrails, output_guardrails_config: guardrails, server_tools_guardrails_config: guardrails },
    { requiredKeys: [] },
  ),
  servers: fc.uniqueArray(server, { selector: (s) => serverKey(s), maxLength: 6 }),
});

/** Objects whose values may be null (delete) or nested patches. */
const objectPatch: fc.Arbitrary<Obj> = fc.dictionary(
  keys,
  fc.oneof(fc.constant(null), json, fc.dictionary(keys, fc.oneof(fc.constant(null), json), { maxKeys: 3 })),
  { maxKeys: 4 },
);

const guardrailsPatch: fc.Arbitrary<Obj> = fc.record(
  {
    enabled: fc.oneof(fc.boolean(), fc.constant(null)),
    guardrail_name: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null)),
    additional_config: fc.oneof(objectPatch, fc.constant(null)),
    block: detectorList,
  },
  { requiredKeys: [] },
);

const serverPatch: fc.Arbitrary<Obj> = fc.record(
  {
    saved_name: names,
    server_version: versions,
    _delete: fc.boolean(),
    input_guardrails_config: fc.oneof(guardrailsPatch, fc.constant(null)),
    output_guardrails_config: fc.oneof(guardrailsPatch, fc.constant(null)),
    tools: fc.oneof(fc.array(fc.constantFrom('read', 'write', 'admin'), { maxLength: 3 }), fc.constant(null)),
  },
  { requiredKeys: ['saved_name', 'server_version'] },
);

const patch: fc.Arbitrary<Obj> = fc.record(
  {
    common_overrides: fc.oneof(
      fc.constant(null),
      fc.record(
        {
          input_guardrails_config: fc.oneof(guardrailsPatch, fc.constant(null)),
          output_guardrails_config: fc.oneof(guardrailsPatch, fc.constant(null)),
          server_tools_guardrails_config: fc.oneof(guardrailsPatch, fc.constant(null)),
        },
        { requiredKeys: [] },
      ),
    ),
    servers: fc.oneof(fc.constant(null), fc.uniqueArray(serverPatch, { selector: (s) => serverKey(s), maxLength: 6 })),
  },
  { requiredKeys: [] },
);

const merge = (stored: ServersConfig, p: unknown): ServersConfig => mergeServersConfig(stored, p) as ServersConfig;
const keyOf = (entry: unknown): string => serverKey(entry) ?? 'no key';
const patchedServers = (p: Obj): Obj[] => (Array.isArray(p.servers) ? (p.servers as Obj[]) : []);

function containsKey(value: unknown, key: string): boolean {
  if (Array.isArray(value)) return value.some((v) => containsKey(v, key));
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([k, v]) => k === key || containsKey(v, key));
  return false;
}

/** Writes into every object and array of `value`, to show that nothing is shared. */
function scribbleOver(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(scribbleOver);
    value.push('scribbled');
  } else if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(scribbleOver);
    (value as Obj).scribbled = true;
  }
}

describe('mergeServersConfig laws', () => {
  it('the empty patch changes nothing', () => {
    fc.assert(fc.property(storedConfig, (stored) => expect(merge(stored, {})).toEqual(stored)));
  });

  it('an empty servers list upserts nothing (it does not replace the array)', () => {
    fc.assert(fc.property(storedConfig, (stored) => expect(merge(stored, { servers: [] })).toEqual(stored)));
  });

  it('applying a patch twice equals applying it once', () => {
    fc.assert(
      fc.property(storedConfig, patch, (stored, p) => {
        const once = merge(stored, p);
        expect(merge(once, p)).toEqual(once);
      }),
    );
  });

  it('keys absent from the patch are untouched', () => {
    fc.assert(
      fc.property(storedConfig, patch, (stored, p) => {
        const result = merge(stored, p);
        if (!('common_overrides' in p)) expect(result.common_overrides).toEqual(stored.common_overrides);
        if (!('servers' in p)) expect(result.servers).toEqual(stored.servers);
        const named = new Set(patchedServers(p).map(keyOf));
        const untouched = (list: ServerEntry[]) => list.filter((s) => !named.has(keyOf(s)));
        if (p.servers !== null) expect(untouched(result.servers)).toEqual(untouched(stored.servers));
        for (const entry of patchedServers(p)) {
          const before = stored.servers.find((s) => keyOf(s) === keyOf(entry));
          const after = result.servers.find((s) => keyOf(s) === keyOf(entry));
          if (!before || !after) continue;
          for (const key of Object.keys(before) as (keyof ServerEntry)[]) {
            if (!(key in entry)) expect(after[key]).toEqual(before[key]);
          }
        }
      }),
    );
  });

  it('null deletes the key it stands for', () => {
    fc.assert(
      fc.property(storedConfig, patch, (stored, p) => {
        const result = merge(stored, p) as unknown as Obj;
        if (p.common_overrides === null) expect(result).not.toHaveProperty('common_overrides');
        if (p.servers === null) expect(result).not.toHaveProperty('servers');
        const common = p.common_overrides as Obj | null | undefined;
        for (const [key, value] of Object.entries(common ?? {})) {
          if (value === null) expect(result.common_overrides).not.toHaveProperty(key);
        }
        for (const entry of patchedServers(p)) {
          if (entry._delete === true) continue;
          const after = (result.servers as Obj[]).find((s) => keyOf(s) === keyOf(entry))!;
          for (const [key, value] of Object.entries(entry)) if (value === null) expect(after).not.toHaveProperty(key);
        }
      }),
    );
  });

  it('servers are upserted by (saved_name, server_version), _delete removes, order is kept', () => {
    fc.assert(
      fc.property(storedConfig, patch, (stored, p) => {
        if (p.servers === null) return;
        const result = merge(stored, p);
        const entries = patchedServers(p);
        const deleted = new Set(entries.filter((e) => e._delete === true).map(keyOf));
        const storedKeys = stored.servers.map(keyOf);
        const added = entries.filter((e) => e._delete !== true && !storedKeys.includes(keyOf(e))).map(keyOf);
        // stored order, minus deletions, then new pairs in patch order
        expect(result.servers.map(keyOf)).toEqual([...storedKeys.filter((k) => !deleted.has(k)), ...added]);
      }),
    );
  });

  it('a guardrails config replaces the stored one as a unit, while additional_config merges', () => {
    fc.assert(
      fc.property(storedConfig, patch, (stored, p) => {
        const result = merge(stored, p);
        for (const entry of patchedServers(p)) {
          if (entry._delete === true) continue;
          const before = stored.servers.find((s) => keyOf(s) === keyOf(entry)) as Obj | undefined;
          const after = result.servers.find((s) => keyOf(s) === keyOf(entry)) as unknown as Obj;
          for (const slot of ['input_guardrails_config', 'output_guardrails_config']) {
            const g = entry[slot] as Obj | null | undefined;
            if (g === null || g === undefined) continue;
            const merged = after[slot] as Obj;
            const storedExtra = ((before?.[slot] as Obj | undefined)?.additional_config ?? undefined) as Obj | undefined;
            for (const key of ['enabled', 'guardrail_name', 'block']) {
              if (g[key] === undefined || g[key] === null) expect(merged).not.toHaveProperty(key);
              else expect(merged[key]).toEqual(g[key]);
            }
            if (g.additional_config === null) {
              expect(merged).not.toHaveProperty('additional_config');
            } else if (g.additional_config === undefined) {
              expect(merged.additional_config).toEqual(storedExtra);
            } else {
              const extraPatch = g.additional_config as Obj;
              const extra = merged.additional_config as Obj;
              for (const [key, value] of Object.entries(storedExtra ?? {})) if (!(key in extraPatch)) expect(extra[key]).toEqual(value);
              for (const [key, value] of Object.entries(extraPatch)) {
                if (value === null) expect(extra).not.toHaveProperty(key);
                else if (typeof value !== 'object' || Array.isArray(value)) expect(extra[key]).toEqual(value);
              }
            }
          }
        }
      }),
    );
  });

  it('_delete never appears in the result', () => {
    fc.assert(fc.property(storedConfig, patch, (stored, p) => expect(containsKey(merge(stored, p), '_delete')).toBe(false)));
  });

  it('neither modifies nor aliases its inputs', () => {
    fc.assert(
      fc.property(storedConfig, patch, (stored, p) => {
        const storedCopy = structuredClone(stored);
        const patchCopy = structuredClone(p);
        const result = merge(stored, p);
        expect(stored).toEqual(storedCopy);
        expect(p).toEqual(patchCopy);
        scribbleOver(result);
        expect(stored).toEqual(storedCopy);
        expect(p).toEqual(patchCopy);
      }),
    );
  });
});

describe('mergeServersConfig examples', () => {
  const guard = (name: string, extra: Record<string, JsonValue> = {}, block: string[] = []): GuardrailsConfig => ({
    enabled: true,
    guardrail_name: name,
    additional_config: extra,
    block,
  });
  const stored: ServersConfig = {
    common_overrides: { input_guardrails_config: guard('Org input', {}, ['pii']) },
    servers: [
      {
        saved_name: 'my-filesystem-server',
        server_version: 'v1',
        input_guardrails_config: { ...guard('Old', { pii_redaction: true, keywords: ['secret'] }, ['pii', 'secrets']), enabled: false },
        output_guardrails_config: guard('Out'),
        tools: ['read_file'],
      },
      { saved_name: 'github', server_version: 'v1' },
    ],
  };

  it('applies the seed body: input_guardrails_config replaced, additional_config kept, the rest untouched', () => {
    const seedPatch = {
      servers: [
        {
          saved_name: 'my-filesystem-server',
          server_version: 'v1',
          input_guardrails_config: { enabled: true, guardrail_name: 'Updated Guardrail', block: ['topic_detector', 'nsfw', 'keyword_detector'] },
        },
      ],
    };
    expect(mergeServersConfig(stored, seedPatch)).toEqual({
      common_overrides: stored.common_overrides,
      servers: [
        {
          saved_name: 'my-filesystem-server',
          server_version: 'v1',
          input_guardrails_config: {
            enabled: true,
            guardrail_name: 'Updated Guardrail',
            additional_config: { pii_redaction: true, keywords: ['secret'] },
            block: ['topic_detector', 'nsfw', 'keyword_detector'],
          },
          output_guardrails_config: guard('Out'),
          tools: ['read_file'],
        },
        { saved_name: 'github', server_version: 'v1' },
      ],
    });
  });

  it('deep-merges additional_config: null deletes, nested objects merge, arrays replace', () => {
    const base: ServersConfig = {
      common_overrides: { output_guardrails_config: guard('Out', { pii_redaction: true, regex: { patterns: ['a'], flags: 'i' }, keep: 1 }) },
      servers: [],
    };
    const result = mergeServersConfig(base, {
      common_overrides: {
        output_guardrails_config: { enabled: false, guardrail_name: 'Out', additional_config: { pii_redaction: null, regex: { patterns: ['b', 'c'] } } },
      },
    });
    expect(result).toEqual({
      common_overrides: {
        output_guardrails_config: { enabled: false, guardrail_name: 'Out', additional_config: { regex: { patterns: ['b', 'c'], flags: 'i' }, keep: 1 } },
      },
      servers: [],
    });
  });

  it('a guardrails config that leaves out block loses it (replaced as a unit)', () => {
    const result = mergeServersConfig(stored, {
      servers: [{ saved_name: 'my-filesystem-server', server_version: 'v1', output_guardrails_config: { enabled: false, guardrail_name: 'Out' } }],
    }) as ServersConfig;
    expect(result.servers[0].output_guardrails_config).toEqual({ enabled: false, guardrail_name: 'Out', additional_config: {} });
  });

  it('removes with _delete, appends new pairs, and replaces tools', () => {
    const result = mergeServersConfig(stored, {
      servers: [
        { saved_name: 'db', server_version: 'v2', tools: ['query'] },
        { saved_name: 'github', server_version: 'v1', _delete: true },
        { saved_name: 'my-filesystem-server', server_version: 'v1', tools: ['list_directory'] },
        { saved_name: 'absent', server_version: 'v9', _delete: true },
      ],
    }) as ServersConfig;
    expect(result.servers.map((s) => [s.saved_name, s.server_version, s.tools])).toEqual([
      ['my-filesystem-server', 'v1', ['list_directory']],
      ['db', 'v2', ['query']],
    ]);
  });

  it('treats the same name with another version as another server', () => {
    const result = mergeServersConfig(stored, { servers: [{ saved_name: 'github', server_version: 'v2' }] }) as ServersConfig;
    expect(result.servers.map((s) => `${s.saved_name}@${s.server_version}`)).toEqual(['my-filesystem-server@v1', 'github@v1', 'github@v2']);
  });

  it('null deletes whole sections and single server fields', () => {
    const result = mergeServersConfig(stored, {
      common_overrides: { input_guardrails_config: null },
      servers: [{ saved_name: 'my-filesystem-server', server_version: 'v1', tools: null, output_guardrails_config: null }],
    }) as ServersConfig;
    expect(result.common_overrides).toEqual({});
    expect(result.servers[0]).toEqual({ saved_name: 'my-filesystem-server', server_version: 'v1', input_guardrails_config: stored.servers[0].input_guardrails_config });
    expect(mergeServersConfig(stored, { servers: null })).toEqual({ common_overrides: stored.common_overrides });
  });

  it('drops the nulls of a newly added entry, so the add is idempotent', () => {
    const p = { servers: [{ saved_name: 'db', server_version: 'v1', input_guardrails_config: { enabled: true, guardrail_name: 'x', additional_config: { a: null, b: 1 } } }] };
    const once = mergeServersConfig(stored, p) as ServersConfig;
    expect(once.servers[2]).toEqual({ saved_name: 'db', server_version: 'v1', input_guardrails_config: { enabled: true, guardrail_name: 'x', additional_config: { b: 1 } } });
    expect(mergeServersConfig(once, p)).toEqual(once);
  });

  it('keeps a "__proto__" key as data instead of changing a prototype', () => {
    const p = JSON.parse('{"common_overrides":{"input_guardrails_config":{"enabled":true,"guardrail_name":"x","additional_config":{"__proto__":{"polluted":true}}}}}') as unknown;
    const result = mergeServersConfig(stored, p) as ServersConfig;
    const extra = result.common_overrides.input_guardrails_config!.additional_config;
    expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
    expect(Object.keys(extra)).toEqual(['__proto__']);
    expect(({} as Obj).polluted).toBeUndefined();
  });

  it('passes a non-object patch through for validation to reject', () => {
    expect(mergeServersConfig(stored, 'nonsense')).toBe('nonsense');
    expect(mergeServersConfig(stored, { servers: { not: 'an array' } })).toEqual({ common_overrides: stored.common_overrides, servers: { not: 'an array' } });
  });
});

describe('mergeGatewayPatch', () => {
  const state = { servers_config: { common_overrides: {}, servers: [{ saved_name: 'fs', server_version: 'v1' }] }, is_active: true, is_sample: false };

  it('replaces the flags it is given and merges servers_config', () => {
    expect(mergeGatewayPatch(state, { is_active: false })).toEqual({ ...state, is_active: false });
    expect(mergeGatewayPatch(state, { is_sample: true, servers_config: { servers: [{ saved_name: 'db', server_version: 'v1' }] } })).toEqual({
      servers_config: { common_overrides: {}, servers: [{ saved_name: 'fs', server_version: 'v1' }, { saved_name: 'db', server_version: 'v1' }] },
      is_active: true,
      is_sample: true,
    });
  });
});
