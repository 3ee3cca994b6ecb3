import type { Span } from './text.js';

const LOCAL_MAX = 64;
const DOMAIN_MAX = 253;

/**
 * Endings that make `name@2x.png` or `logo@dark.svg` look like addresses:
 * asset and source file extensions, none of them a TLD people have mail at.
 */
const FILE_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'bmp', 'tif', 'tiff', 'avif', 'heic',
  'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'css', 'scss', 'less', 'map', 'json', 'yaml', 'yml', 'toml', 'lock',
  'html', 'htm', 'txt', 'log', 'pdf', 'csv', 'tgz', 'gz', 'wasm', 'woff', 'woff2', 'ttf', 'otf',
]);

function isLocalChar(c: number): boolean {
  // RFC 5322 atext minus the rarely used characters that also end URLs and code (`'`, `*`, `/`, `=`, `?`, `{`, `}`…).
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}

function isLabelChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
}

/**
 * Addresses found from each `@`: the local part is read leftwards (at most 64
 * characters), the domain rightwards (at most 253), so every character is
 * read a bounded number of times: no regex backtracking over long runs.
 * Not taken: `git@github.com:org/repo` (an scp-style remote), the user of a
 * URL (`https://user@host`), `icon@2x.png`, hosts without a dotted TLD.
 */
export function findEmails(text: string): Span[] {
  const spans: Span[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < LOCAL_MAX && isLocalChar(text.charCodeAt(start - 1))) start--;
    if (start > 0 && isLocalChar(text.charCodeAt(start - 1))) continue; // longer than an address allows
    while (start < at && text.charCodeAt(start) === 46) start++;
    if (start === at || text.charCodeAt(at - 1) === 46) continue;
    const end = domainEnd(text, at + 1);
    if (end < 0) continue;
    if (inUrlAuthority(text, start) || scpRemote(text, end)) continue;
    spans.push({ kind: 'email', start, end });
  }
  return spans;
}

/** End of a valid domain starting at `from`, or -1. */
function domainEnd(text: string, from: number): number {
  let i = from;
  let labels = 0;
  let lastLabelStart = from;
  let end = -1;
  while (i - from <= DOMAIN_MAX) {
    const labelStart = i;
    while (i < text.length && isLabelChar(text.charCodeAt(i)) && i - labelStart < 64) i++;
    const length = i - labelStart;
    if (length === 0 || text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45) break;
    labels++;
    lastLabelStart = labelStart;
    end = i;
    // A dot ends the domain unless a label follows it: "mail bob@example.com." ends a sentence.
    if (text.charCodeAt(i) === 46 && i + 1 < text.length && isLabelChar(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    break;
  }
  if (labels < 2 || end < 0) return -1;
  if (end < text.length && isLabelChar(text.charCodeAt(end))) return -1; // a label longer than 63
  const tld = text.slice(lastLabelStart, end).toLowerCase();
  if (!/^(?:[a-z]{2,24}|xn--[a-z0-9-]{1,59})$/.test(tld) || FILE_EXTENSIONS.has(tld)) return -1;
  return end;
}

/** `https://user@host` or `https://user:pass@host`: the text before the local part (same word) holds `://`. */
function inUrlAuthority(text: string, localStart: number): boolean {
  const c = text.charCodeAt(localStart - 1);
  if (c !== 58 && c !== 47) return false;
  const from = Math.max(0, localStart - 128);
  for (let i = localStart - 1; i >= from; i--) {
    const code = text.charCodeAt(i);
    if (code === 32 || code === 10 || code === 9 || code === 13 || code === 34 || code === 39) return false;
    if (code === 47 && text.charCodeAt(i - 1) === 47 && text.charCodeAt(i - 2) === 58) return true;
  }
  return false;
}

function scpRemote(text: string, end: number): boolean {
  if (text.charCodeAt(end) !== 58) return false;
  const next = text.charCodeAt(end + 1);
  return (next >= 65 && next <= 90) || (next >= 97 && next <= 122) || (next >= 48 && next <= 57) || next === 126 || next === 47 || next === 95;
}
