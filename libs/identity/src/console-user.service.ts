import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import {
  type ConsoleUser,
  DEFAULT_LOCKOUT,
  type LockoutPolicy,
  type NewConsoleUser,
  type SignIn,
} from './console-user';
import { ConsoleUserRepository } from './console-user.repository';
import { IdentityRepository } from './identity.repository';
import { InvalidPrincipalError, NotFoundError } from './identity.errors';
import { generatePassword, hashPassword, passwordProblems, verifyPassword } from './password';
import type { Principal } from './principal';

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
/** Verified against when the user does not exist, so that an unknown name costs as much time as a wrong password. */
let decoyHash: Promise<string> | null = null;

/**
 * The console's people: accounts of a principal, scrypt password hashes, lockout after repeated failures, and the
 * check every session request makes (the account and its principal still enabled, no reset since the sign-in).
 * Every change and every sign-in attempt is audited.
 */
@Injectable()
export class ConsoleUserService {
  constructor(
    private readonly users: ConsoleUserRepository,
    private readonly identity: IdentityRepository,
    private readonly audit: AuditLog,
  ) {}

  async add(u: NewConsoleUser, actor: string, requestId?: string): Promise<ConsoleUser> {
    const problems: string[] = [];
    if (typeof u.username !== 'string' || !USERNAME.test(u.username))
      problems.push(
        'username must be 3–64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
      );
    if (typeof u.displayName !== 'string' || u.displayName.trim() === '' || [...u.displayName].length > 100)
      problems.push('displayName must be 1–100 characters');
    problems.push(...passwordProblems(u.password));
    if (problems.length) throw new InvalidPrincipalError(problems);
    const principal = await this.identity.findPrincipal(u.principalId);
    if (!principal) throw new NotFoundError(`no principal ${u.principalId}`);
    if (principal.type === 'province')
      throw new InvalidPrincipalError(['a provincial system signs its requests: it has no console users']);
    const user = await this.users.insert({
      id: randomUUID(),
      username: u.username,
      principalId: u.principalId,
      displayName: u.displayName.trim(),
      passwordHash: await hashPassword(u.password),
      createdBy: actor,
    });
    if (!user) throw new InvalidPrincipalError([`username ${u.username} is taken`]);
    await this.audit.record({
      actor,
      action: 'user.add',
      target: u.username,
      outcome: 'ok',
      details: { principal: u.principalId },
      requestId,
    });
    return user;
  }

  list(principalId?: string): Promise<ConsoleUser[]> {
    return this.users.list(principalId);
  }

  async setEnabled(username: string, enabled: boolean, actor: string, requestId?: string): Promise<ConsoleUser> {
    const user = await this.users.setDisabled(username, !enabled);
    if (!user) throw new NotFoundError(`no user ${username}`);
    await this.audit.record({
      actor,
      action: enabled ? 'user.enable' : 'user.disable',
      target: username,
      outcome: 'ok',
      details: { principal: user.principalId },
      requestId,
    });
    return user;
  }

  /** Sets a new password (a generated one when none is given, returned once); ends the user's sessions and lock. */
  async reset(
    username: string,
    actor: string,
    password?: string,
    requestId?: string,
  ): Promise<{ user: ConsoleUser; password: string }> {
    const next = password ?? generatePassword();
    const problems = passwordProblems(next);
    if (problems.length) throw new InvalidPrincipalError(problems);
    const user = await this.users.setPassword(username, await hashPassword(next));
    if (!user) throw new NotFoundError(`no user ${username}`);
    await this.audit.record({
      actor,
      action: 'user.reset',
      target: username,
      outcome: 'ok',
      details: { principal: user.principalId, generated: password === undefined },
      requestId,
    });
    return { user, password: next };
  }

  /** Checks a name and password; counts failures and locks the account after `lockout.attempts` in a row. */
  async signIn(
    username: string,
    password: string,
    context: { ip: string | null; requestId?: string },
    lockout: LockoutPolicy = DEFAULT_LOCKOUT,
  ): Promise<SignIn> {
    const found =
      typeof username === 'string' && USERNAME.test(username) ? await this.users.findByUsername(username) : null;
    const audit = (outcome: 'ok' | 'denied', details: Record<string, unknown>) =>
      this.audit.record({
        actor: found ? found.principalId : 'anonymous',
        action: 'console.sign-in',
        target: typeof username === 'string' ? username.slice(0, 64) : '',
        outcome,
        details: { ...details, ip: context.ip },
        requestId: context.requestId,
      });
    if (!found) {
      await verifyPassword(String(password), await (decoyHash ??= hashPassword('decoy-password-never-used')));
      await audit('denied', { reason: 'unknown' });
      return { ok: false, reason: 'unknown' };
    }
    const { passwordHash, ...user } = found;
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      await audit('denied', { reason: 'locked', lockedUntil: user.lockedUntil.toISOString() });
      return { ok: false, reason: 'locked', user, lockedUntil: user.lockedUntil };
    }
    if (!(await verifyPassword(String(password), passwordHash))) {
      const after = await this.users.recordFailure(user.id, lockout.attempts, lockout.minutes);
      const locked = after.lockedUntil !== null && after.lockedUntil.getTime() > Date.now();
      await audit('denied', { reason: 'password', locked });
      return locked
        ? { ok: false, reason: 'locked', user: after, lockedUntil: after.lockedUntil ?? undefined }
        : { ok: false, reason: 'password', user: after };
    }
    const principal = await this.identity.findPrincipal(user.principalId);
    if (user.disabledAt || !principal || principal.disabledAt) {
      await audit('denied', { reason: 'disabled' });
      return { ok: false, reason: 'disabled', user };
    }
    await this.users.recordSuccess(user.id);
    await audit('ok', { principal: principal.id });
    return { ok: true, user, principal };
  }

  /**
   * What a session request acts as: the user and its principal, or null when the account or the principal was
   * disabled, or the password reset, since the session began.
   */
  async resolve(userId: string, sessionStartedAt: Date): Promise<{ user: ConsoleUser; principal: Principal } | null> {
    const user = await this.users.findById(userId);
    if (!user || user.disabledAt || user.passwordChangedAt.getTime() > sessionStartedAt.getTime()) return null;
    const principal = await this.identity.findPrincipal(user.principalId);
    if (!principal || principal.disabledAt) return null;
    return { user, principal };
  }
}
