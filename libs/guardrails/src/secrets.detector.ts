import { findHighEntropyTokens } from './high-entropy.js';
import { findJwts } from './jwt.js';
import { AUTH_HEADER, AWS_SECRET_CONTEXT, PEM_ANY_HEADER, PEM_HEADER, SECRET_ASSIGNMENT, SECRET_PATTERNS, URL_CREDENTIALS } from './secrets.patterns.js';
import { matchesOf, resolveOverlaps, type Span, type TextContext, type TextDetector } from './text.js';

/** How far after a PEM header its `-----END` line is looked for; keys are a few KB. */
const PEM_BODY_MAX = 16_384;
const SECRET_VALUE_MIN = 8;
const SECRET_VALUE_MAX = 1024;

// A specific shape beats a context rule, which beats bare entropy, when they cover the same text.
const RANK: Readonly<Record<string, number>> = { high_entropy_token: 3, generic_secret: 2, password: 2, bearer_token: 2 };

export const secretsDetector: TextDetector = {
  detect(text: string, context: TextContext): Span[] {
    const spans: Span[] = [];
    for (const pattern of SECRET_PATTERNS) {
      for (const m of matchesOf(pattern.regex, text)) {
        if (!pattern.accept || pattern.accept(m[0])) spans.push({ kind: pattern.kind, start: m.index, end: m.index + m[0].length });
      }
    }
    spans.push(...findPrivateKeys(text, context), ...findJwts(text), ...findAwsSecretKeys(text));
    spans.push(...findAssignedSecrets(text), ...findAuthHeaders(text), ...findUrlCredentials(text));
    const named = namedSecret(text, context);
    if (named) spans.push(named);
    spans.push(...outsideBlocks(findHighEntropyTokens(text), findPublicPemBlocks(text)));
    return resolveOverlaps(spans, (s) => RANK[s.kind] ?? (s.kind === 'aws_secret_key' || s.kind === 'url_credentials' ? 1 : 0));
  },
};

/**
 * PEM private keys from the header to the end of the `-----END …-----` line.
 * Service-account JSON from Google Cloud carries its key this way, with the
 * newlines escaped (`\n`); such a key is reported as `gcp_service_account_key`.
 */
function findPrivateKeys(text: string, context: TextContext): Span[] {
  const spans: Span[] = [];
  let serviceAccount: boolean | null = null;
  // The next `-----END ` at or after a position, searched once per region: repeated headers without
  // an END would otherwise each scan to the end of the text.
  let nextEnd = -2;
  for (const m of matchesOf(PEM_HEADER, text)) {
    const bodyStart = m.index + m[0].length;
    if (nextEnd !== -1 && nextEnd < bodyStart) nextEnd = text.indexOf('-----END ', bodyStart);
    let end: number;
    if (nextEnd !== -1 && nextEnd - bodyStart <= PEM_BODY_MAX) {
      const close = text.indexOf('-----', nextEnd + 9);
      end = close !== -1 && close - nextEnd < 64 ? close + 5 : nextEnd + 9;
    } else {
      end = bodyStart;
      while (end < text.length && end - bodyStart < PEM_BODY_MAX && isPemBodyChar(text.charCodeAt(end))) end++;
    }
    serviceAccount ??= context.key === 'private_key' || text.includes('service_account');
    spans.push({ kind: serviceAccount ? 'gcp_service_account_key' : 'private_key', start: m.index, end });
    PEM_HEADER.lastIndex = Math.max(PEM_HEADER.lastIndex, end);
  }
  return spans;
}

/** Base64, whitespace, and the backslash of escaped newlines (`\n` in JSON text). */
function isPemBodyChar(c: number): boolean {
  return isBase64Char(c) || c === 61 || c === 32 || c === 10 || c === 13 || c === 9 || c === 92;
}

/** Certificates and public keys: their bodies look random but are meant to be shared. */
function findPublicPemBlocks(text: string): { start: number; end: number }[] {
  const blocks: { start: number; end: number }[] = [];
  if (!text.includes('-----BEGIN ')) return blocks;
  let nextEnd = -2; // as in findPrivateKeys: one search per region keeps repeated headers linear
  for (const m of matchesOf(PEM_ANY_HEADER, text)) {
    if (m[1].includes('PRIVATE')) continue;
    if (nextEnd !== -1 && nextEnd < m.index) nextEnd = text.indexOf('-----END ', m.index);
    if (nextEnd !== -1 && nextEnd - m.index <= 4 * PEM_BODY_MAX) blocks.push({ start: m.index, end: nextEnd });
  }
  return blocks;
}

/** Drops the tokens inside any of `blocks`; both lists are sorted by start, so one pass does it. */
function outsideBlocks(tokens: readonly Span[], blocks: readonly { start: number; end: number }[]): Span[] {
  if (blocks.length === 0) return [...tokens];
  const kept: Span[] = [];
  let b = 0;
  let reach = -1; // furthest end of the blocks starting before the current token
  for (const token of tokens) {
    while (b < blocks.length && blocks[b].start < token.end) reach = Math.max(reach, blocks[b++].end);
    if (reach <= token.start) kept.push(token);
  }
  return kept;
}

function isBase64Char(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47;
}

/** 40 base64 characters, standing alone, starting at `from`; returns the end or -1. */
function awsSecretAt(text: string, from: number): number {
  let i = from;
  while (i < text.length && i - from <= 40 && isBase64Char(text.charCodeAt(i))) i++;
  if (i - from !== 40 || (i < text.length && (isBase64Char(text.charCodeAt(i)) || text.charCodeAt(i) === 61))) return -1;
  return i;
}

/** AWS secret access keys have no prefix: they are recognised by their name written just before them. */
function findAwsSecretKeys(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of matchesOf(AWS_SECRET_CONTEXT, text)) {
    let i = m.index + m[0].length;
    const limit = i + 8;
    while (i < limit && i < text.length && /["'\s:=>]/.test(text[i])) i++;
    const end = awsSecretAt(text, i);
    if (end !== -1) spans.push({ kind: 'aws_secret_key', start: i, end });
  }
  return spans;
}

const PLACEHOLDER_WORDS = new Set([
  'password', 'passwd', 'secret', 'changeme', 'change_me', 'redacted', 'example', 'placeholder', 'null', 'none', 'undefined',
  'true', 'false', 'string', 'required', 'optional', 'token', 'xxxxxxxx', 'your-token', 'your_token', 'hidden', 'masked',
]);

/**
 * Values that stand for a secret without being one: templates (`${API_KEY}`,
 * `{{token}}`, `<password>`), masks (`********`, `••••••••`), and words
 * documentation uses (`your_api_key_here`).
 */
export function isPlaceholder(value: string): boolean {
  if (/^[$%{<[(]/.test(value) || /[}>\])]$/.test(value)) return true;
  if (value.includes('[REDACTED:')) return true;
  if (new Set(value).size < 5) return true;
  const lower = value.toLowerCase();
  if (PLACEHOLDER_WORDS.has(lower)) return true;
  return /^(?:your|my|some|example|sample|dummy|fake)[-_]/.test(lower) || /[-_](?:here|example|placeholder)$/.test(lower) || /^x{6,}$/.test(lower);
}

function secretValueEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && i - from <= SECRET_VALUE_MAX && !/[\s"'`,;&<>]/.test(text[i])) i++;
  return i - from > SECRET_VALUE_MAX ? -1 : i;
}

function kindForName(name: string): 'password' | 'generic_secret' {
  return /^(?:password|passwd|pwd|passphrase)/i.test(name.replace(/^["']/, '')) ? 'password' : 'generic_secret';
}

/** `password=hunter2-but-longer`, `"api_key": "…"` inside a text (a config file, a log line, a query string). */
function findAssignedSecrets(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of matchesOf(SECRET_ASSIGNMENT, text)) {
    const start = m.index + m[0].length;
    const end = secretValueEnd(text, start);
    if (end === -1 || end - start < SECRET_VALUE_MIN) continue;
    if (isPlaceholder(text.slice(start, end))) continue;
    spans.push({ kind: kindForName(m[0]), start, end });
  }
  return spans;
}

function findAuthHeaders(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of matchesOf(AUTH_HEADER, text)) {
    const start = m.index + m[0].length;
    let end = start;
    while (end < text.length && end - start <= 4096 && /[A-Za-z0-9+/_.~=-]/.test(text[end])) end++;
    const value = text.slice(start, end);
    // "bearer of bad news" is prose; a credential has digits or symbols among its letters.
    if (end - start > 4096 || isPlaceholder(value) || !/[0-9+/_.~=-]/.test(value)) continue;
    spans.push({ kind: 'bearer_token', start, end });
  }
  return spans;
}

function findUrlCredentials(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of matchesOf(URL_CREDENTIALS, text)) {
    const password = m[1];
    if (isPlaceholder(password) && password.length < 16) continue;
    const end = m.index + m[0].length - 1;
    spans.push({ kind: 'url_credentials', start: end - password.length, end });
  }
  return spans;
}

const SECRET_NAMES = new Set([
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'clientsecret', 'apikey', 'apisecret', 'secretkey', 'accesstoken',
  'refreshtoken', 'authtoken', 'bearertoken', 'idtoken', 'sessiontoken', 'token', 'privatekey', 'secretaccesskey',
  'awssecretaccesskey', 'webhooksecret', 'signingsecret', 'encryptionkey',
]);

/**
 * A whole string that is the value of a member named like a credential
 * (`{"password": "…"}`, `{"SecretAccessKey": "…"}`): the name says what it is,
 * so no entropy test is needed, only that it is not empty, a template or a mask.
 */
function namedSecret(text: string, context: TextContext): Span | null {
  if (context.key === null) return null;
  const name = context.key.toLowerCase().replace(/[-_. ]/g, '');
  if (!SECRET_NAMES.has(name)) return null;
  const value = text.trim();
  if (value.length < SECRET_VALUE_MIN || value.length > SECRET_VALUE_MAX || /\s/.test(value) || isPlaceholder(value)) return null;
  const start = text.indexOf(value);
  if (name.endsWith('secretaccesskey') && awsSecretAt(text, start) === start + value.length) {
    return { kind: 'aws_secret_key', start, end: start + value.length };
  }
  return { kind: name.startsWith('pass') || name === 'pwd' ? 'password' : 'generic_secret', start, end: start + value.length };
}
