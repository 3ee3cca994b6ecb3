/**
 * A labelled example: the kinds a detector must report in `text`, in order
 * of position (empty: the text must pass). Look-alikes carry a `why`.
 */
export interface CorpusCase {
  text: string;
  kinds: readonly string[];
  why?: string;
}

export const positive = (text: string, ...kinds: string[]): CorpusCase => ({ text, kinds });
export const negative = (text: string, why: string): CorpusCase => ({ text, kinds: [], why });

/**
 * Builds credential-shaped test strings from pieces, so this repository never
 * holds a literal that secret scanners (push protection, CI) would stop on.
 */
export const join = (...parts: string[]): string => parts.join('');
