import { uuidV5 } from '@ajx/contracts';

/** Namespace of finding ids. */
export const FINDING_ID_NAMESPACE = '5d0c8f0e-7c1b-4f57-9a3e-2a6f1b9d4c21';
const NAMESPACE_BYTES = Buffer.from(FINDING_ID_NAMESPACE.replace(/-/g, ''), 'hex');

/**
 * The stable id of a finding: UUIDv5 of `<rule>:<key>`, so the same breach keeps its id across evaluations,
 * re-openings and implementations.
 */
export function findingId(rule: string, key: string): string {
  return uuidV5(`${rule}:${key}`, NAMESPACE_BYTES);
}
