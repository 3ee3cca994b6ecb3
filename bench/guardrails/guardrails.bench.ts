/// <reference types="node" />
import { DETECTOR_NAMES, evaluateGuardrails, scanValue, type DetectorName, type GuardrailsConfig } from '../../libs/guardrails/src/index.js';

/**
 * Throughput of the guardrail core alone (no I/O, one core): evaluateGuardrails
 * with all five detectors on a realistic 4 KB tool argument and a 64 KB tool
 * result, then each detector alone on the 64 KB result.
 * Build: npx tsc --ignoreConfig --module nodenext --moduleResolution nodenext --target es2023 \
 *          --outDir /tmp/gh-guard-bench --skipLibCheck bench/guardrails/guardrails.bench.ts
 *        echo '{"type":"module"}' > /tmp/gh-guard-bench/package.json
 * Run:   node /tmp/gh-guard-bench/bench/guardrails/guardrails.bench.js [seconds-per-case]
 */
const seconds = Number(process.argv.find((a: string) => /^\d+(\.\d+)?$/.test(a)) ?? 2);

const CONFIG: GuardrailsConfig = {
  enabled: true,
  guardrail_name: 'bench',
  additional_config: {
    pii_redaction: true,
    keywords: ['confidential', 'project falcon', 'internal only', 'do not distribute', 'merger', 'layoffs', 'password', 'acquisition'],
    patterns: ['ORD-[0-9]{6}', '(?i)customer id:? ?[0-9]{5,}', 'INV-[A-Z]{2}[0-9]{4}', 'emp_[0-9]{4,5}'],
  },
  block: ['secrets', 'injection_attack', 'keyword_detector', 'regex'],
};

/** Deterministic pseudo-random numbers, so every run scans the same text. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const random = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;

const WORDS = (
  'the deployment pipeline runs every night and publishes artifacts to the registry so that downstream services can pick up ' +
  'new versions without manual steps; when a build fails the on-call engineer receives a page with the failing stage and a ' +
  'link to the logs, and the release is held until the fix lands on main with a passing review from a code owner'
).split(' ');
const sentence = (): string => {
  const words = Array.from({ length: 8 + Math.floor(random() * 14) }, () => pick(WORDS));
  return `${words.join(' ').replace(/^./, (c) => c.toUpperCase())}.`;
};

/** A `send_email`-style tool argument of about 4 KB: prose, a few addresses, ids and a phone number. */
function toolArgument(): unknown {
  const body: string[] = [];
  while (body.join('\n').length < 3300) {
    body.push(Array.from({ length: 4 }, sentence).join(' '));
    if (body.length === 2) body.push('Call me on +44 20 7946 0958 if the rollout needs a decision before Friday.');
    if (body.length === 4) body.push(`Tracking: ${uuid()} (build ${hex(40)}), released 2024-06-14 as v3.12.4.`);
  }
  return {
    to: ['maria.gonzalez@example.com', 'ops-team@example.org'],
    cc: [],
    subject: 'Weekly release notes and rollout plan',
    body: body.join('\n\n'),
    priority: 'normal',
    labels: ['release', 'weekly'],
    send_at: '2024-06-14T09:00:00Z',
  };
}

/** An MCP tool result of about 64 KB: a markdown document with code, log lines, tables and links. */
function toolResult(): unknown {
  const parts: string[] = ['# Service runbook\n'];
  let i = 0;
  while (parts.join('\n').length < 64 * 1024 - 600) {
    i++;
    switch (i % 5) {
      case 0:
        parts.push(`## Section ${i}\n\n${Array.from({ length: 5 }, sentence).join(' ')}`);
        break;
      case 1:
        parts.push(
          Array.from(
            { length: 6 },
            () => `2024-06-${10 + Math.floor(random() * 19)}T${10 + Math.floor(random() * 13)}:0${Math.floor(random() * 9)}:00Z INFO request_id=${uuid()} status=200 latency_ms=${Math.floor(random() * 900)}`,
          ).join('\n'),
        );
        break;
      case 2:
        parts.push(`\`\`\`ts\nexport async function handle${i}(req: Request): Promise<Response> {\n  const user = await users.findById(req.params.id);\n  return json({ id: user.id, version: '1.${i}.0' });\n}\n\`\`\``);
        break;
      case 3:
        parts.push(`| commit | author | date |\n| --- | --- | --- |\n| ${hex(40)} | dev${i}@example.com | 2024-05-${10 + (i % 19)} |\n| ${hex(40)} | release-bot | 2024-05-${11 + (i % 18)} |`);
        break;
      default:
        parts.push(`See https://docs.example.com/runbooks/${uuid()}/steps?page=${i} and follow the installation instructions in the README before paging on-call.`);
    }
  }
  return { content: [{ type: 'text', text: parts.join('\n\n') }], isError: false };
}

interface Measurement {
  name: string;
  bytes: number;
  opsPerSecond: number;
}

/** Runs `op` until `seconds` have passed, after a warm-up; `sink` keeps the work from being optimised away. */
function measure(name: string, bytes: number, op: () => number): Measurement {
  let sink = 0;
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) sink += op();
  let count = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  let now = started;
  while (now < deadline) {
    sink += op();
    count++;
    now = process.hrtime.bigint();
  }
  if (sink === Number.MIN_SAFE_INTEGER) console.log(sink);
  return { name, bytes, opsPerSecond: count / (Number(now - started) / 1e9) };
}

function report(m: Measurement): void {
  const mbPerSecond = (m.opsPerSecond * m.bytes) / (1024 * 1024);
  console.log(`${m.name.padEnd(48)} ${(m.bytes / 1024).toFixed(1).padStart(6)} KB ${m.opsPerSecond.toFixed(0).padStart(9)} ops/s ${mbPerSecond.toFixed(1).padStart(8)} MB/s ${(1e6 / m.opsPerSecond).toFixed(0).padStart(7)} µs/op`);
}

const argument = toolArgument();
const result = toolResult();
const size = (v: unknown): number => Buffer.byteLength(JSON.stringify(v));

const argumentVerdict = evaluateGuardrails(argument, CONFIG);
const resultVerdict = evaluateGuardrails(result, CONFIG);
console.log(`node ${process.version}, ${seconds}s per case`);
console.log(`4 KB argument: action=${argumentVerdict.action}, findings=${argumentVerdict.findings.map((f) => f.kind).join(',')}`);
console.log(`64 KB result:  action=${resultVerdict.action}, findings=${resultVerdict.findings.length} (${[...new Set(resultVerdict.findings.map((f) => f.kind))].join(',')})\n`);

report(measure('evaluateGuardrails, all detectors, 4 KB argument', size(argument), () => evaluateGuardrails(argument, CONFIG).findings.length));
report(measure('evaluateGuardrails, all detectors, 64 KB result', size(result), () => evaluateGuardrails(result, CONFIG).findings.length));
for (const detector of DETECTOR_NAMES) {
  const only: DetectorName[] = [detector];
  report(measure(`  scanValue ${detector} only, 64 KB result`, size(result), () => scanValue(result, { detectors: only, additional_config: CONFIG.additional_config }).length));
}
