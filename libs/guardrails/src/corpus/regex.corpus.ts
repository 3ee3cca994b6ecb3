import { negative, positive, type CorpusCase } from './corpus.types.js';

/** The patterns every case below is scanned with (tenant patterns, run on SafeRegex). */
export const REGEX_CORPUS_PATTERNS: readonly string[] = ['ORD-\\d{6}', '(?i)internal use only', '\\bACME-[A-Z]{3}\\b', 'emp_[0-9]{4,5}', '^DEBUG:'];

export const REGEX_CORPUS: readonly CorpusCase[] = [
  positive('order ORD-123456 shipped', 'pattern'),
  positive('ORD-123456 and ORD-654321', 'pattern', 'pattern'),
  positive('Marked INTERNAL USE ONLY', 'pattern'),
  positive('for internal use only.', 'pattern'),
  positive('team ACME-XYZ owns it', 'pattern'),
  positive('employee emp_12345 left', 'pattern'),
  positive('DEBUG: token refreshed', 'pattern'),
  negative('order ORD-12345 is short', 'five digits'),
  negative('ord-123456 lower case', 'case-sensitive pattern'),
  negative('internal use is fine', 'phrase incomplete'),
  negative('team XACME-XYZ', 'word boundary'),
  negative('team ACME-XYZW', 'word boundary'),
  negative('emp_123', 'too few digits'),
  negative('level DEBUG: not at start', 'anchored at the start'),
  negative('Nothing to see here.', 'plain prose'),
];
