import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrincipalType } from './principal';

const TYPE_TAG: Record<PrincipalType, string> = { insurer: 'i', department: 'd', province: 'p', operator: 'o' };
const TOKEN_PATTERN = /^ajx_[idpo]_[A-Za-z0-9_-]{43}$/;

/** A random bearer token: 256 bits of entropy, prefixed so leaked tokens are recognisable (secret scanners). */
export function generateToken(type: PrincipalType): string {
  return `ajx_${TYPE_TAG[type]}_${randomBytes(32).toString('base64url')}`;
}

export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** Tokens are stored only as SHA-256 hashes (they are high-entropy, so no slow hash is needed). */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function tokenHint(token: string): string {
  return `${token.slice(0, 10)}…`;
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
