import { PII_KINDS } from './pii.detector.js';
import { SECRET_PATTERNS } from './secrets.patterns.js';
import { INJECTION_PATTERNS } from './injection.patterns.js';

/**
 * Every kind a detector can report. Redaction markers are recognised only
 * with one of these kinds, so a value cannot hide text from the detectors by
 * dressing it up as `[REDACTED:anything]`.
 */
export const FINDING_KINDS: ReadonlySet<string> = new Set<string>([
  ...PII_KINDS,
  ...SECRET_PATTERNS.map((p) => p.kind),
  'private_key', 'gcp_service_account_key', 'jwt', 'aws_secret_key', 'password', 'generic_secret', 'bearer_token', 'url_credentials', 'high_entropy_token',
  ...INJECTION_PATTERNS.map((p) => p.kind),
  'invisible_character', 'bidi_control', 'unicode_tag', 'variation_selector_run',
  'keyword', 'pattern',
]);
