export const PRINCIPAL_TYPES = ['insurer', 'department', 'province', 'operator'] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];
export const DEPARTMENT_LEVELS = ['province', 'city', 'county'] as const;
export type DepartmentLevel = (typeof DEPARTMENT_LEVELS)[number];

/** Who calls the hub. Departments carry their kind, level and jurisdiction; the province its region. */
export interface Principal {
  id: string;
  type: PrincipalType;
  name: string;
  department: { kind: string; level: DepartmentLevel; regionCode: string } | null;
  /** Province principals: the province's code (`330000`). */
  regionCode: string | null;
  createdAt: Date;
  disabledAt: Date | null;
}

export interface NewPrincipal {
  id: string;
  type: PrincipalType;
  name: string;
  department?: { kind: string; level: DepartmentLevel; regionCode: string };
  regionCode?: string;
}

/** A credential as operators see it: never the token, only a hint of its first characters. */
export interface CredentialInfo {
  id: string;
  principalId: string;
  hint: string;
  label: string | null;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
}

export interface IssuedCredential extends CredentialInfo {
  /** The secret, shown once. */
  token: string;
}

export type AuthFailureReason = 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked' | 'disabled';

export type Authentication =
  | { ok: true; principal: Principal; credentialId: string }
  | { ok: false; reason: AuthFailureReason; credentialId?: string; principalId?: string };
