import type { Principal } from './principal';

/** A person who signs in to the console; acts as its principal. Never carries the password hash. */
export interface ConsoleUser {
  id: string;
  username: string;
  principalId: string;
  displayName: string;
  failedAttempts: number;
  lockedUntil: Date | null;
  passwordChangedAt: Date;
  createdAt: Date;
  createdBy: string;
  disabledAt: Date | null;
  lastSignInAt: Date | null;
}

export interface NewConsoleUser {
  username: string;
  principalId: string;
  displayName: string;
  password: string;
}

export type SignInFailure = 'unknown' | 'password' | 'locked' | 'disabled';

export type SignIn =
  | { ok: true; user: ConsoleUser; principal: Principal }
  | { ok: false; reason: SignInFailure; user?: ConsoleUser; lockedUntil?: Date };

/** Lockout: `attempts` consecutive failures lock the account for `minutes`. */
export interface LockoutPolicy {
  attempts: number;
  minutes: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { attempts: 5, minutes: 15 };
