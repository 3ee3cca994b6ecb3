import { INJECTION_PATTERNS } from './injection.patterns.js';
import { SSN_CONTEXT } from './numeric-pii.js';
import { PII_PATTERNS } from './pii.detector.js';
import { AUTH_HEADER, AWS_SECRET_CONTEXT, PEM_ANY_HEADER, PEM_HEADER, SECRET_ASSIGNMENT, SECRET_PATTERNS, URL_CREDENTIALS } from './secrets.patterns.js';

/**
 * Every built-in regular expression that runs over scanned text, by name,
 * so a test can hold them all to the linear-time rules (bounded quantifiers
 * only). The rest of the detectors are hand-written single-pass scanners.
 */
export const BUILTIN_PATTERNS: ReadonlyMap<string, RegExp> = new Map<string, RegExp>([
  ...Object.entries(PII_PATTERNS).map(([name, regex]) => [`pii.${name}`, regex] as [string, RegExp]),
  ['pii.ssnContext', SSN_CONTEXT],
  ...SECRET_PATTERNS.map((p, i) => [`secrets.${p.kind}#${i}`, p.regex] as [string, RegExp]),
  ['secrets.pemHeader', PEM_HEADER],
  ['secrets.pemAnyHeader', PEM_ANY_HEADER],
  ['secrets.awsSecretContext', AWS_SECRET_CONTEXT],
  ['secrets.assignment', SECRET_ASSIGNMENT],
  ['secrets.authHeader', AUTH_HEADER],
  ['secrets.urlCredentials', URL_CREDENTIALS],
  ...INJECTION_PATTERNS.map((p, i) => [`injection.${p.kind}#${i}`, p.regex] as [string, RegExp]),
]);
