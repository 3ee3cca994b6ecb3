import { compilePolicy, evaluate, type CompiledPolicy, type PolicyRule, type ToolCall } from '../../libs/policy/src/index.js';
import { applyGatewayPatch, mergeServersConfig, type GatewayMutableState, type ServersConfig } from '../../libs/gateways/src/servers-config/index.js';

/**
 * The two pure cores on the request path, measured alone on one core (no I/O,
 * no server): policy evaluation for a realistic 50-rule policy, and the
 * servers_config PATCH merge of a 100-server gateway.
 * Usage: npm run build && node dist/bench/policy/policy.bench.js [seconds-per-case] [--assert]
 * `--assert` exits 1 when the 50-rule policy evaluates fewer than 200,000 calls per second.
 */
const seconds = Number(process.argv.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 2);
const assertFloor = process.argv.includes('--assert');
const EVALUATIONS_PER_SECOND_FLOOR = 200_000;

interface Measurement {
  name: string;
  opsPerSecond: number;
  meanMicros: number;
}

/** Runs `op` in batches until `seconds` have passed, after a warm-up; `sink` defeats dead-code elimination. */
function measure(name: string, op: (i: number) => number): Measurement {
  let sink = 0;
  const warmUntil = performance.now() + 300;
  for (let i = 0; performance.now() < warmUntil; i++) sink += op(i);
  let count = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) sink += op(count + i);
    count += 1000;
    now = process.hrtime.bigint();
  }
  const elapsed = Number(now - started) / 1e9;
  if (sink === Number.MIN_SAFE_INTEGER) console.log(sink);
  return { name, opsPerSecond: count / elapsed, meanMicros: (elapsed / count) * 1e6 };
}

/** 50 rules: mostly other connectors, some conditional rules on the called one, the match at rule 47. */
function realisticPolicy(): CompiledPolicy {
  const rules: PolicyRule[] = [];
  const connectors = ['github', 'gitlab', 'jira', 'slack', 'db-prod', 'db-staging', 'drive', 'calendar', 'stripe', 'search'];
  for (let i = 0; rules.length < 40; i++) {
    const connector = connectors[i % connectors.length];
    switch (i % 4) {
      case 0:
        rules.push({ action: 'deny', connector, tool: 'delete_*', reason: 'no deletions' });
        break;
      case 1:
        rules.push({ action: 'allow', connector, tool: `get_${i}_*` });
        break;
      case 2:
        rules.push({ action: 'require_approval', connector, tool: '*write*', when: [{ arg: '$.dry_run', op: 'eq', value: false }] });
        break;
      default:
        rules.push({ action: 'allow', connector: `${connector.slice(0, 2)}*`, agent: `agent-${i}-*` });
    }
  }
  rules.push(
    { action: 'deny', connector: 'mail', tool: 'send_*', when: [{ arg: '$.to', op: 'matches', value: '(?i)@(competitor|rival)\\.com$' }] },
    { action: 'require_approval', connector: 'mail', tool: 'send_*', when: [{ arg: 'attachments[0].size', op: 'gt', value: 10_000_000 }] },
    { action: 'require_approval', connector: 'mail', when: [{ arg: '$.to', op: 'in', value: ['ceo@example.com', 'board@example.com'] }] },
    { action: 'deny', connector: 'mail', tool: 'send_*', when: [{ arg: '$.body', op: 'contains', value: 'CONFIDENTIAL' }] },
    { action: 'deny', connector: 'mail', tool: 'delete_*' },
    { action: 'allow', connector: 'mail', tool: 'list_*' },
    { action: 'require_approval', connector: 'mail', tool: 'send_*', agent: 'intern-*' },
    { action: 'allow', connector: 'mail', tool: 'send_*', when: [{ arg: '$.to', op: 'matches', value: '@example\\.com$' }] },
    { action: 'deny', connector: 'db-*', tool: 'query', when: [{ arg: 'sql', op: 'matches', value: '(?i)\\b(drop|truncate)\\b' }] },
    { action: 'allow', connector: 'search' },
  );
  return compilePolicy({ id: 'pol_bench', name: 'bench', rules, default_action: 'deny' });
}

const agent = { id: 'agent_01j9x8k2m3n4p5q6r7s8t9u0v1', name: 'support-bot' };
const nearEnd: ToolCall = {
  connector: 'mail',
  tool: 'send_email',
  agent,
  args: { to: 'alice@example.com', subject: 'Weekly report', body: 'Numbers attached.', attachments: [{ name: 'r.pdf', size: 120_000 }] },
};
const noMatch: ToolCall = { connector: 'unknown', tool: 'anything', agent, args: { x: 1 } };

function servers(n: number): ServersConfig {
  const guard = (name: string, block: string[]) => ({ enabled: true, guardrail_name: name, additional_config: { pii_redaction: false, keywords: ['secret', 'password'] }, block });
  return {
    common_overrides: { input_guardrails_config: guard('org input', ['pii']), output_guardrails_config: guard('org output', ['secrets']) },
    servers: Array.from({ length: n }, (_, i) => ({
      saved_name: `conn-${i}`,
      server_version: 'v1',
      input_guardrails_config: guard(`in ${i}`, ['pii', 'injection_attack']),
      output_guardrails_config: guard(`out ${i}`, ['secrets']),
      tools: ['read', 'write', 'list'],
    })),
  };
}

const stored: GatewayMutableState = { servers_config: servers(100), is_active: true, is_sample: false };
const patch = {
  is_active: true,
  servers_config: {
    common_overrides: { input_guardrails_config: { enabled: true, guardrail_name: 'org input v2', block: ['pii', 'secrets'] } },
    servers: [
      { saved_name: 'conn-10', server_version: 'v1', input_guardrails_config: { enabled: true, guardrail_name: 'Updated', additional_config: { pii_redaction: true }, block: ['keyword_detector'] } },
      { saved_name: 'conn-50', server_version: 'v1', tools: ['read'] },
      { saved_name: 'conn-99', server_version: 'v1', output_guardrails_config: null },
      { saved_name: 'conn-20', server_version: 'v1', _delete: true },
      { saved_name: 'conn-new', server_version: 'v1', tools: ['read'] },
    ],
  },
};
const ctx = { connectorNames: new Set([...Array.from({ length: 100 }, (_, i) => `conn-${i}`), 'conn-new']) };

const policy = realisticPolicy();
const check = evaluate(policy, nearEnd);
if (check.ruleIndex !== 47) throw new Error(`bench policy should match rule 47, matched ${check.ruleIndex}`);
const checked = applyGatewayPatch(stored, patch, ctx);
if (!checked.ok) throw new Error(`bench patch is invalid: ${JSON.stringify(checked.errors)}`);

const results = [
  measure('policy: 50 rules, match at rule 47 (7 conditional rules on the way)', () => evaluate(policy, nearEnd).ruleIndex ?? 0),
  measure('policy: 50 rules, no match (default action)', () => (evaluate(policy, noMatch).ruleIndex === null ? 1 : 0)),
  measure('policy: no policy', () => (evaluate(null, nearEnd).ruleIndex === null ? 1 : 0)),
  measure('gateway: merge only, 100 servers, 5-entry patch', () => ((mergeServersConfig(stored.servers_config, patch.servers_config) as ServersConfig).servers.length)),
  measure('gateway: full PATCH (shape check + merge + validate), 100 servers', () => (applyGatewayPatch(stored, patch, ctx).ok ? 1 : 0)),
];

const rows = results.map((r) => ({ case: r.name, 'ops/s': Math.round(r.opsPerSecond).toLocaleString('en-US'), 'mean µs': r.meanMicros.toFixed(3) }));
console.table(rows);
console.log(JSON.stringify({ bench: 'policy', node: process.version, seconds_per_case: seconds, results }));

if (assertFloor && results[0].opsPerSecond < EVALUATIONS_PER_SECOND_FLOOR) {
  console.error(`policy evaluation below ${EVALUATIONS_PER_SECOND_FLOOR} per second`);
  process.exitCode = 1;
}
