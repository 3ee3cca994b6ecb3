/**
 * The detectors Gatehouse runs itself (SPEC §3 Guardrails). A name in `block`
 * that no detector implements would never block anything, which is worse than
 * an error, so validation refuses it. The seed's `topic_detector` and `nsfw`
 * are services of the hosted product that we do not have.
 */
export const LOCAL_DETECTORS = ['pii', 'secrets', 'injection_attack', 'keyword_detector', 'regex'] as const;
export type LocalDetector = (typeof LOCAL_DETECTORS)[number];

export const DEFAULT_DETECTORS: ReadonlySet<string> = new Set<string>(LOCAL_DETECTORS);
