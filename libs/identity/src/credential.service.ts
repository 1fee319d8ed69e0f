import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import { IdentityRepository } from './identity.repository';
import { InvalidPrincipalError, NotFoundError } from './identity.errors';
import type { Authentication, CredentialInfo, IssuedCredential } from './principal';
import { generateToken, hashToken, isWellFormedToken, tokenHint } from './token';

const DAY_MS = 86_400_000;
export const MAX_CREDENTIAL_DAYS = 730;

@Injectable()
export class CredentialService {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly audit: AuditLog,
  ) {}

  /** Issues a token for one principal; the token itself is returned once and stored only as a hash. */
  async issue(
    principalId: string,
    opts: { validDays: number; label?: string | null },
    actor: string,
    requestId?: string,
  ): Promise<IssuedCredential> {
    if (!Number.isInteger(opts.validDays) || opts.validDays < 1 || opts.validDays > MAX_CREDENTIAL_DAYS) {
      throw new InvalidPrincipalError([`validDays must be an integer from 1 to ${MAX_CREDENTIAL_DAYS}`]);
    }
    const principal = await this.repo.findPrincipal(principalId);
    if (!principal) throw new NotFoundError(`no principal ${principalId}`);
    const token = generateToken(principal.type);
    const info = await this.repo.insertCredential({
      id: randomUUID(),
      principalId,
      tokenHash: hashToken(token),
      hint: tokenHint(token),
      label: opts.label ?? null,
      createdBy: actor,
      expiresAt: new Date(Date.now() + opts.validDays * DAY_MS),
    });
    await this.audit.record({
      actor,
      action: 'credential.issue',
      target: principalId,
      outcome: 'ok',
      details: { credentialId: info.id, expiresAt: info.expiresAt.toISOString(), label: info.label },
      requestId,
    });
    return { ...info, token };
  }

  list(principalId?: string): Promise<CredentialInfo[]> {
    return this.repo.listCredentials(principalId);
  }

  async revoke(credentialId: string, actor: string, requestId?: string): Promise<CredentialInfo> {
    const info = await this.repo.revokeCredential(credentialId, actor);
    if (!info) throw new NotFoundError(`no credential ${credentialId}`);
    await this.audit.record({
      actor,
      action: 'credential.revoke',
      target: info.principalId,
      outcome: 'ok',
      details: { credentialId },
      requestId,
    });
    return info;
  }

  /** Resolves a bearer token to its principal, or says precisely why it is refused (never echoing the token). */
  async authenticate(token: string | undefined | null): Promise<Authentication> {
    if (!token) return { ok: false, reason: 'missing' };
    if (!isWellFormedToken(token)) return { ok: false, reason: 'malformed' };
    const found = await this.repo.findByTokenHash(hashToken(token));
    if (!found) return { ok: false, reason: 'unknown' };
    const { credential, principal } = found;
    const ids = { credentialId: credential.id, principalId: principal.id };
    if (credential.revokedAt) return { ok: false, reason: 'revoked', ...ids };
    if (credential.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired', ...ids };
    if (principal.disabledAt) return { ok: false, reason: 'disabled', ...ids };
    return { ok: true, principal, credentialId: credential.id };
  }
}
