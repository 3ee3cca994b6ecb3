/**
 * Credentials with a published shape. Each pattern starts with a literal
 * prefix and every quantifier is bounded, with neighbouring parts that cannot
 * match the same character; so V8 spends at most a bounded number of steps at
 * each position, and a scan is linear in the text (SPEC: no ReDoS).
 */
export interface SecretPattern {
  kind: string;
  regex: RegExp;
  /** Further checks on the match (character mix, placeholders). */
  accept?: (match: string) => boolean;
}

const mixed = (s: string): boolean => /[0-9]/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s);

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // Key ids of IAM users (AKIA), STS sessions (ASIA) and the other AWS principal types.
  { kind: 'aws_access_key', regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { kind: 'gcp_api_key', regex: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  { kind: 'github_token', regex: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g },
  { kind: 'github_token', regex: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9_])/g },
  {
    kind: 'gitlab_token',
    regex: /(?<![A-Za-z0-9_-])(?:glpat|gldt|glrt|glcbt|glptt|glft|glimt|glagent|glsoat)-[A-Za-z0-9_.-]{20,128}(?![A-Za-z0-9_.-])/g,
  },
  { kind: 'slack_token', regex: /(?<![A-Za-z0-9-])xox[abposr]-(?:[A-Za-z0-9]{1,40}-){1,6}[A-Za-z0-9]{8,64}(?![A-Za-z0-9-])/g },
  { kind: 'slack_token', regex: /(?<![A-Za-z0-9-])xapp-\d-[A-Z0-9]{8,32}-\d{8,20}-[a-f0-9]{32,80}(?![A-Za-z0-9-])/g },
  { kind: 'slack_webhook', regex: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,160}/g },
  // Publishable keys (pk_) are meant to be public; secret (sk_) and restricted (rk_) keys are not, test mode included.
  { kind: 'stripe_key', regex: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9])/g },
  { kind: 'stripe_webhook_secret', regex: /(?<![A-Za-z0-9_])whsec_[A-Za-z0-9+/=]{24,80}(?![A-Za-z0-9+/=])/g },
  { kind: 'anthropic_api_key', regex: /(?<![A-Za-z0-9_-])sk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_-]{20,200}(?![A-Za-z0-9_-])/g },
  {
    kind: 'openai_api_key',
    regex: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}(?![A-Za-z0-9_-])/g,
    // `sk-learn-tutorial-for-beginners` has the shape but not the random mix of a key.
    accept: (m) => !m.startsWith('sk-ant-') && mixed(m.slice(3)),
  },
  { kind: 'npm_token', regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g },
  { kind: 'huggingface_token', regex: /(?<![A-Za-z0-9_])hf_[A-Za-z]{34}(?![A-Za-z0-9])/g, accept: (m) => /[A-Z]/.test(m) && /[a-z]/.test(m.slice(3)) },
  { kind: 'sendgrid_api_key', regex: /(?<![A-Za-z0-9_])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g },
  // Gatehouse's own API keys (SPEC §2): an agent must not hand one to a tool.
  { kind: 'gatehouse_api_key', regex: /(?<![A-Za-z0-9_])gth_live_[A-Za-z0-9]{32}(?![A-Za-z0-9])/g },
];

/** `-----BEGIN … PRIVATE KEY-----` headers (PKCS#1, PKCS#8, SEC1, OpenSSH, PGP); the body is found from there. */
export const PEM_HEADER = /-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP|SSH2) ){0,2}PRIVATE KEY(?: BLOCK)?-----/g;

/** Any PEM block; bodies of public ones (certificates, public keys) are random-looking but public. */
export const PEM_ANY_HEADER = /-----BEGIN ([A-Z0-9]{1,20}(?: [A-Z0-9]{1,20}){0,4})-----/g;

/**
 * `aws_secret_access_key = …`, `AWS_SECRET_KEY: "…"`: the name, then up to a
 * few quote/space/assignment characters; the 40-character key is read after it.
 */
export const AWS_SECRET_CONTEXT = /(?<![A-Za-z0-9])(?:aws_?)?secret_?access_?key(?![A-Za-z0-9])|(?<![A-Za-z0-9])aws_?secret(?:_?key)?(?![A-Za-z0-9])/gi;

/** `password=…`, `"api_key": "…"`, `token: …`: an assignment to a credential-like name in text (config files, logs, URLs). */
export const SECRET_ASSIGNMENT =
  /(?<![A-Za-z0-9])(?:password|passwd|pwd|passphrase|secret|client[_-]?secret|api[_-]?key|api[_-]?secret|apikey|access[_-]?token|auth[_-]?token|refresh[_-]?token|private[_-]?key|secret[_-]?key|session[_-]?token|token)["']?\s{0,3}[:=]\s{0,3}["']?/gi;

/** `Authorization: Bearer …` / `Basic …`. */
export const AUTH_HEADER = /(?<![A-Za-z0-9])(?:Bearer|Basic|bearer|basic)\s{1,3}(?=[A-Za-z0-9+/_.~-]{16})/g;

/** `scheme://user:password@host`; group 1 is the password. */
export const URL_CREDENTIALS = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s:/?#@"'<>]{1,64}:([^\s/?#@"'<>]{1,128})@/g;
