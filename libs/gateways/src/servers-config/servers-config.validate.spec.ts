import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mergeServersConfig } from './servers-config.merge.js';
import { validateServersConfig, type ServersConfigContext } from './servers-config.validate.js';
import type { ConfigProblem, ServersConfig } from './servers-config.types.js';

const ctx: ServersConfigContext = { connectorNames: new Set(['my-filesystem-server', 'github', 'db']) };
const guard = { enabled: true, guardrail_name: 'Default', additional_config: {}, block: ['pii'] };

function errorsOf(value: unknown, context = ctx): ConfigProblem[] {
  const result = validateServersConfig(value, context);
  if (result.ok) throw new Error('expected the config to be invalid');
  return result.errors;
}

describe('validateServersConfig', () => {
  it('accepts a full config and returns a fresh copy', () => {
    const config: ServersConfig = {
      common_overrides: { input_guardrails_config: guard, output_guardrails_config: guard, server_tools_guardrails_config: guard },
      servers: [
        { saved_name: 'github', server_version: 'v1', input_guardrails_config: { ...guard, additional_config: { pii_redaction: true } }, tools: ['search'] },
        { saved_name: 'github', server_version: 'v2' },
      ],
    };
    const result = validateServersConfig(config, ctx);
    expect(result).toEqual({ ok: true, value: config });
    if (result.ok) expect(result.value.servers[0]).not.toBe(config.servers[0]);
  });

  it('fills in what a minimal config leaves out', () => {
    expect(validateServersConfig({}, ctx)).toEqual({ ok: true, value: { common_overrides: {}, servers: [] } });
    expect(validateServersConfig({ common_overrides: { input_guardrails_config: { enabled: false, guardrail_name: 'Off' } } }, ctx)).toEqual({
      ok: true,
      value: { common_overrides: { input_guardrails_config: { enabled: false, guardrail_name: 'Off', additional_config: {}, block: [] } }, servers: [] },
    });
  });

  it('names an unknown connector by its path', () => {
    expect(errorsOf({ servers: [{ saved_name: 'github', server_version: 'v1' }, { saved_name: 'gitlab', server_version: 'v1' }] })).toEqual([
      { path: 'servers_config.servers[1].saved_name', message: 'no connector named "gitlab" in this organisation' },
    ]);
  });

  it('refuses detectors that do not run locally, naming each path', () => {
    const errors = errorsOf({ servers: [{ saved_name: 'db', server_version: 'v1', input_guardrails_config: { ...guard, block: ['topic_detector', 'pii', 'nsfw'] } }] });
    expect(errors.map((e) => e.path)).toEqual([
      'servers_config.servers[0].input_guardrails_config.block[0]',
      'servers_config.servers[0].input_guardrails_config.block[2]',
    ]);
    expect(errors[0].message).toBe('unknown detector "topic_detector"; this gateway runs pii, secrets, injection_attack, keyword_detector, regex');
  });

  it('lets the caller widen the detector set', () => {
    const config = { common_overrides: { input_guardrails_config: { ...guard, block: ['nsfw'] } } };
    expect(validateServersConfig(config, { ...ctx, detectors: new Set(['pii', 'nsfw']) }).ok).toBe(true);
  });

  it.each([
    [{ servers: [{ saved_name: 'db', server_version: '1' }] }, 'servers_config.servers[0].server_version', 'must be "v" followed by a positive integer, like "v1" (got "1")'],
    [{ servers: [{ saved_name: 'db', server_version: 'v0' }] }, 'servers_config.servers[0].server_version', 'must be "v" followed by a positive integer, like "v1" (got "v0")'],
    [{ servers: [{ saved_name: 'db', server_version: 2 }] }, 'servers_config.servers[0].server_version', 'must be a string like "v1"'],
    [{ servers: [{ saved_name: 'db', server_version: 'v1', _delete: false }] }, 'servers_config.servers[0]._delete', 'is only meaningful in a PATCH and is never stored'],
    [{ servers: [{ saved_name: 'db', server_version: 'v1', tools: 'query' }] }, 'servers_config.servers[0].tools', 'must be an array of tool names'],
    [{ servers: [{ saved_name: 'db', server_version: 'v1', tools: ['query', ''] }] }, 'servers_config.servers[0].tools[1]', 'must be a tool name of 1 to 128 characters'],
    [{ servers: [{ saved_name: 'db', server_version: 'v1', tools: ['q', 'q'] }] }, 'servers_config.servers[0].tools[1]', 'repeats "q"'],
    [{ servers: [{ saved_name: 'db', server_version: 'v1', colour: 'red' }] }, 'servers_config.servers[0].colour', 'is not a known field (expected saved_name, server_version, input_guardrails_config, output_guardrails_config, tools)'],
    [{ servers: { db: {} } }, 'servers_config.servers', 'must be an array of servers'],
    [{ servers: ['db'] }, 'servers_config.servers[0]', 'must be an object with saved_name and server_version'],
    [{ common_overrides: [] }, 'servers_config.common_overrides', 'must be an object'],
    [{ common_overrides: { input_guardrails_config: { guardrail_name: 'x' } } }, 'servers_config.common_overrides.input_guardrails_config.enabled', 'is required'],
    [{ common_overrides: { input_guardrails_config: { enabled: 'yes', guardrail_name: 'x' } } }, 'servers_config.common_overrides.input_guardrails_config.enabled', 'must be a boolean'],
    [{ common_overrides: { input_guardrails_config: { enabled: true } } }, 'servers_config.common_overrides.input_guardrails_config.guardrail_name', 'is required'],
    [{ common_overrides: { input_guardrails_config: { ...guard, block: 'pii' } } }, 'servers_config.common_overrides.input_guardrails_config.block', 'must be an array of detector names'],
    [{ common_overrides: { input_guardrails_config: { ...guard, block: ['pii', 'pii'] } } }, 'servers_config.common_overrides.input_guardrails_config.block[1]', 'repeats "pii"'],
    [{ common_overrides: { input_guardrails_config: { ...guard, additional_config: [] } } }, 'servers_config.common_overrides.input_guardrails_config.additional_config', 'must be an object'],
    [{ common_overrides: { input_guardrails_config: { ...guard, additional_config: { pii_redaction: 'yes' } } } }, 'servers_config.common_overrides.input_guardrails_config.additional_config.pii_redaction', 'must be a boolean'],
    [{ common_overrides: { input_guardrails_config: { ...guard, additional_config: { n: Infinity } } } }, 'servers_config.common_overrides.input_guardrails_config.additional_config', 'n must be a finite number'],
    [{ common_overrides: { input_guardrails_config: 'on' } }, 'servers_config.common_overrides.input_guardrails_config', 'must be a guardrails config object {enabled, guardrail_name, additional_config, block}'],
    [{ common_overrides: { everything: guard } }, 'servers_config.common_overrides.everything', 'is not a known field (expected input_guardrails_config, output_guardrails_config, server_tools_guardrails_config)'],
    [{ servers: [], extra: 1 }, 'servers_config.extra', 'is not a known field (expected common_overrides, servers)'],
    ['{}', 'servers_config', 'must be an object'],
  ])('rejects %j at %s', (value, path, message) => {
    expect(errorsOf(value)).toContainEqual({ path, message });
  });

  it('rejects a server listed twice, pointing at the first', () => {
    expect(errorsOf({ servers: [{ saved_name: 'db', server_version: 'v1' }, { saved_name: 'github', server_version: 'v1' }, { saved_name: 'db', server_version: 'v1' }] })).toEqual([
      { path: 'servers_config.servers[2]', message: 'repeats servers_config.servers[0] (same saved_name and server_version)' },
    ]);
  });

  it('refuses server_tools_guardrails_config on a single server (it is a common override)', () => {
    expect(errorsOf({ servers: [{ saved_name: 'db', server_version: 'v1', server_tools_guardrails_config: guard }] })[0].path).toBe(
      'servers_config.servers[0].server_tools_guardrails_config',
    );
  });

  it('refuses additional_config nested deeper than 16 levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(errorsOf({ common_overrides: { input_guardrails_config: { ...guard, additional_config: deep } } })[0].message).toMatch(/nested too deeply/);
  });

  it('reports every problem at once', () => {
    expect(errorsOf({ servers: [{ saved_name: 'nope', server_version: 'x', tools: [1] }] })).toHaveLength(3);
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = validateServersConfig(value, ctx);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });

  it('a valid result validates to itself (normalisation is stable)', () => {
    fc.assert(
      fc.property(
        fc.record({ servers: fc.uniqueArray(fc.record({ saved_name: fc.constantFrom('github', 'db'), server_version: fc.constantFrom('v1', 'v2') }), { selector: (s) => `${s.saved_name}/${s.server_version}` }) }),
        (config) => {
          const once = validateServersConfig(config, ctx);
          expect(once.ok).toBe(true);
          if (once.ok) expect(validateServersConfig(once.value, ctx)).toEqual(once);
        },
      ),
    );
  });
});

describe('the seed modify-gateway body, merged and validated', () => {
  const stored: ServersConfig = {
    common_overrides: { input_guardrails_config: guard },
    servers: [{ saved_name: 'my-filesystem-server', server_version: 'v1', input_guardrails_config: { ...guard, additional_config: { pii_redaction: true } } }],
  };
  const seedPatch = (block: string[]) => ({
    servers: [{ saved_name: 'my-filesystem-server', server_version: 'v1', input_guardrails_config: { enabled: true, guardrail_name: 'Updated Guardrail', block } }],
  });

  it('is refused as sent, because topic_detector and nsfw are not local detectors', () => {
    const errors = errorsOf(mergeServersConfig(stored, seedPatch(['topic_detector', 'nsfw', 'keyword_detector'])));
    expect(errors.map((e) => e.path)).toEqual([
      'servers_config.servers[0].input_guardrails_config.block[0]',
      'servers_config.servers[0].input_guardrails_config.block[1]',
    ]);
  });

  it('is stored with the local detector, keeping additional_config', () => {
    expect(validateServersConfig(mergeServersConfig(stored, seedPatch(['keyword_detector'])), ctx)).toEqual({
      ok: true,
      value: {
        common_overrides: { input_guardrails_config: guard },
        servers: [
          {
            saved_name: 'my-filesystem-server',
            server_version: 'v1',
            input_guardrails_config: { enabled: true, guardrail_name: 'Updated Guardrail', additional_config: { pii_redaction: true }, block: ['keyword_detector'] },
          },
        ],
      },
    });
  });
});
