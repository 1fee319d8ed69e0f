import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import { DEPARTMENT_POLICY, type DepartmentPolicy, shapeOnlyDepartmentPolicy } from './department.policy';
import { IdentityRepository, PrincipalTypeConflict } from './identity.repository';
import { InvalidPrincipalError, NotFoundError } from './identity.errors';
import { DEPARTMENT_LEVELS, type NewPrincipal, type Principal, PRINCIPAL_TYPES, type PrincipalType } from './principal';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;
const INSURER_ID = /^[A-Z][A-Z0-9_]{1,31}$/;

@Injectable()
export class PrincipalService {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly audit: AuditLog,
    @Optional()
    @Inject(DEPARTMENT_POLICY)
    private readonly departmentPolicy: DepartmentPolicy = shapeOnlyDepartmentPolicy,
  ) {}

  validate(p: NewPrincipal): string[] {
    const problems: string[] = [];
    if (!PRINCIPAL_TYPES.includes(p.type)) problems.push(`type must be one of ${PRINCIPAL_TYPES.join(', ')}`);
    if (typeof p.id !== 'string' || !ID.test(p.id)) problems.push('id must be 2–64 letters, digits, ".", "_" or "-"');
    else if (p.type === 'insurer' && !INSURER_ID.test(p.id)) {
      problems.push('an insurer id is its code: upper-case letters, digits and "_" (e.g. PICC)');
    }
    if (typeof p.name !== 'string' || p.name.trim().length === 0 || [...p.name].length > 200) {
      problems.push('name must be 1–200 characters');
    }
    if (p.type === 'department') {
      if (!p.department) problems.push('a department needs {kind, level, regionCode}');
      else {
        if (!DEPARTMENT_LEVELS.includes(p.department.level))
          problems.push(`level must be one of ${DEPARTMENT_LEVELS.join(', ')}`);
        problems.push(...this.departmentPolicy.problems(p.department));
      }
    } else if (p.department) problems.push(`only departments have department attributes, not a ${p.type}`);
    if (p.type === 'province' && !/^\d{2}0000$/.test(p.regionCode ?? '')) {
      problems.push('a province principal needs regionCode of its province (e.g. 330000)');
    }
    return problems;
  }

  /** Registers a principal, or updates name/attributes of an existing one of the same type (idempotent). */
  async register(
    p: NewPrincipal,
    actor: string,
    requestId?: string,
  ): Promise<{ principal: Principal; created: boolean }> {
    const problems = this.validate(p);
    if (problems.length) throw new InvalidPrincipalError(problems);
    try {
      const result = await this.repo.upsertPrincipal(p);
      await this.audit.record({
        actor,
        action: result.created ? 'principal.register' : 'principal.update',
        target: p.id,
        outcome: 'ok',
        details: { type: p.type, department: p.department ?? null, regionCode: p.regionCode ?? null },
        requestId,
      });
      return result;
    } catch (err) {
      if (err instanceof PrincipalTypeConflict) throw new InvalidPrincipalError([err.message]);
      throw err;
    }
  }

  /**
   * Disables a principal (every token of it is refused as `disabled` from the next request on, the interchange keys
   * standing for it too) or enables it again; its credentials are kept. Audited.
   */
  async setEnabled(id: string, enabled: boolean, actor: string): Promise<Principal> {
    if (!(await this.repo.setDisabled(id, !enabled))) throw new NotFoundError(`principal ${id} does not exist`);
    await this.audit.record({
      actor,
      action: enabled ? 'principal.enable' : 'principal.disable',
      target: id,
      outcome: 'ok',
      details: {},
    });
    return (await this.repo.findPrincipal(id))!;
  }

  get(id: string): Promise<Principal | null> {
    return this.repo.findPrincipal(id);
  }

  list(type?: PrincipalType): Promise<Principal[]> {
    return this.repo.listPrincipals(type);
  }
}
