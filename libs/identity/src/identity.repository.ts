import { returningRows } from '@ajx/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CredentialInfo, DepartmentLevel, NewPrincipal, Principal, PrincipalType } from './principal';

interface PrincipalRow {
  id: string;
  type: PrincipalType;
  name: string;
  department_kind: string | null;
  department_level: DepartmentLevel | null;
  region_code: string | null;
  created_at: Date;
  disabled_at: Date | null;
}

interface CredentialRow {
  id: string;
  principal_id: string;
  token_hint: string;
  label: string | null;
  created_at: Date;
  created_by: string;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
}

const PRINCIPAL_COLUMNS = 'id, type, name, department_kind, department_level, region_code, created_at, disabled_at';
const CREDENTIAL_COLUMNS =
  'id, principal_id, token_hint, label, created_at, created_by, expires_at, revoked_at, revoked_by, last_used_at';

function toPrincipal(r: PrincipalRow): Principal {
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    department:
      r.type === 'department' && r.department_kind && r.department_level && r.region_code
        ? { kind: r.department_kind, level: r.department_level, regionCode: r.region_code }
        : null,
    regionCode: r.type === 'department' ? null : r.region_code,
    createdAt: r.created_at,
    disabledAt: r.disabled_at,
  };
}

function toCredential(r: CredentialRow): CredentialInfo {
  return {
    id: r.id,
    principalId: r.principal_id,
    hint: r.token_hint,
    label: r.label,
    createdAt: r.created_at,
    createdBy: r.created_by,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    lastUsedAt: r.last_used_at,
  };
}

/** All SQL of principals and credentials. */
@Injectable()
export class IdentityRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts or, for an existing id of the same type, updates name and department attributes. */
  async upsertPrincipal(p: NewPrincipal): Promise<{ principal: Principal; created: boolean }> {
    const rows = await this.db.query<(PrincipalRow & { inserted: boolean })[]>(
      `INSERT INTO principals (id, type, name, department_kind, department_level, region_code)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, department_kind = EXCLUDED.department_kind,
         department_level = EXCLUDED.department_level, region_code = EXCLUDED.region_code
       WHERE principals.type = EXCLUDED.type
       RETURNING ${PRINCIPAL_COLUMNS}, (xmax = 0) AS inserted`,
      [
        p.id,
        p.type,
        p.name,
        p.department?.kind ?? null,
        p.department?.level ?? null,
        p.department?.regionCode ?? p.regionCode ?? null,
      ],
    );
    if (rows.length === 0) throw new PrincipalTypeConflict(p.id);
    return { principal: toPrincipal(rows[0]), created: rows[0].inserted };
  }

  async findPrincipal(id: string): Promise<Principal | null> {
    const rows = await this.db.query<PrincipalRow[]>(`SELECT ${PRINCIPAL_COLUMNS} FROM principals WHERE id = $1`, [id]);
    return rows.length ? toPrincipal(rows[0]) : null;
  }

  async listPrincipals(type?: PrincipalType): Promise<Principal[]> {
    const rows = await this.db.query<PrincipalRow[]>(
      `SELECT ${PRINCIPAL_COLUMNS} FROM principals WHERE ($1::text IS NULL OR type = $1) ORDER BY type, id`,
      [type ?? null],
    );
    return rows.map(toPrincipal);
  }

  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    const res = await returningRows<unknown>(
      this.db,
      `UPDATE principals SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) ELSE NULL END
       WHERE id = $1 RETURNING id`,
      [id, disabled],
    );
    return res.length > 0;
  }

  async insertCredential(c: {
    id: string;
    principalId: string;
    tokenHash: Buffer;
    hint: string;
    label: string | null;
    createdBy: string;
    expiresAt: Date;
  }): Promise<CredentialInfo> {
    const rows = await this.db.query<CredentialRow[]>(
      `INSERT INTO credentials (id, principal_id, token_hash, token_hint, label, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${CREDENTIAL_COLUMNS}`,
      [c.id, c.principalId, c.tokenHash, c.hint, c.label, c.createdBy, c.expiresAt],
    );
    return toCredential(rows[0]);
  }

  async listCredentials(principalId?: string): Promise<CredentialInfo[]> {
    const rows = await this.db.query<CredentialRow[]>(
      `SELECT ${CREDENTIAL_COLUMNS} FROM credentials WHERE ($1::text IS NULL OR principal_id = $1)
       ORDER BY principal_id, created_at`,
      [principalId ?? null],
    );
    return rows.map(toCredential);
  }

  async revokeCredential(id: string, by: string): Promise<CredentialInfo | null> {
    const rows = await returningRows<CredentialRow>(
      this.db,
      `UPDATE credentials SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $2)
       WHERE id = $1 RETURNING ${CREDENTIAL_COLUMNS}`,
      [id, by],
    );
    return rows.length ? toCredential(rows[0]) : null;
  }

  /** The credential and its principal for a token hash, in one round trip; marks it used (coarsely). */
  async findByTokenHash(hash: Buffer): Promise<{ credential: CredentialInfo; principal: Principal } | null> {
    const rows = await this.db.query<(CredentialRow & { p: PrincipalRow })[]>(
      `WITH hit AS (
         UPDATE credentials SET last_used_at = now()
         WHERE token_hash = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
         RETURNING id)
       SELECT c.id, c.principal_id, c.token_hint, c.label, c.created_at, c.created_by, c.expires_at, c.revoked_at,
              c.revoked_by, c.last_used_at, row_to_json(p) AS p
       FROM credentials c JOIN principals p ON p.id = c.principal_id
       WHERE c.token_hash = $1`,
      [hash],
    );
    if (!rows.length) return null;
    const p = rows[0].p;
    return {
      credential: toCredential(rows[0]),
      principal: toPrincipal({
        ...p,
        created_at: new Date(p.created_at),
        disabled_at: p.disabled_at ? new Date(p.disabled_at) : null,
      }),
    };
  }
}

export class PrincipalTypeConflict extends Error {
  constructor(readonly principalId: string) {
    super(`principal ${principalId} already exists with another type`);
  }
}
