import { rulePackKey, type RulePack } from '../rule-pack/rule-pack.types';
import { DEPARTMENT_LEVELS, type Department, type DepartmentLevel } from './department.types';
import { levelOfRegionCode } from './jurisdiction';

/** Department ids end up in database settings, URLs and logs: keep them to a plain token. */
export const DEPARTMENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const REGION_CODE_PATTERN = /^\d{6}$/;
const MAX_NAME_LENGTH = 200;

const CODE_SHAPE: Readonly<Record<DepartmentLevel, string>> = {
  province: 'xx0000',
  city: 'xxxx00',
  county: 'not ending in 00',
};

/**
 * Every problem of a department against a rule pack (empty when it is valid). `regionExists`, when given, is asked
 * about the department's own code (e.g. backed by the region data set the normaliser uses).
 */
export function validateDepartment(
  dept: Department,
  pack: RulePack,
  regionExists?: (code: string) => boolean,
): string[] {
  const problems: string[] = [];
  const { id, name, kind, level, regionCode } = dept as Partial<Record<keyof Department, unknown>>;

  if (typeof id !== 'string' || !DEPARTMENT_ID_PATTERN.test(id))
    problems.push(`id must be 1–64 letters, digits, '.', '_', ':' or '-' (not starting with a symbol)`);
  if (typeof name !== 'string' || name.trim() === '') problems.push('name is empty');
  else if ([...name].length > MAX_NAME_LENGTH) problems.push(`name is longer than ${MAX_NAME_LENGTH} characters`);

  if (typeof kind !== 'string' || !pack.kinds.some((k) => k.kind === kind))
    problems.push(
      `kind ${JSON.stringify(kind)} is not defined by rule pack ${rulePackKey(pack)} ` +
        `(kinds: ${pack.kinds.map((k) => k.kind).join(', ')})`,
    );

  const levelKnown = isDepartmentLevel(level);
  if (!levelKnown) problems.push(`level must be one of ${DEPARTMENT_LEVELS.join(', ')}, not ${JSON.stringify(level)}`);

  if (typeof regionCode !== 'string' || !REGION_CODE_PATTERN.test(regionCode)) {
    problems.push(`regionCode must be a 6-digit GB/T 2260 code, not ${JSON.stringify(regionCode)}`);
  } else {
    const shapeLevel = levelOfRegionCode(regionCode);
    if (levelKnown && shapeLevel !== level)
      problems.push(
        `regionCode ${regionCode} is a ${shapeLevel}-level code but level is ${level} ` +
          `(a ${level} code is ${CODE_SHAPE[level]})`,
      );
    if (regionExists && !regionExists(regionCode)) problems.push(`regionCode ${regionCode} is not a known region`);
  }
  return problems;
}

export function isDepartmentLevel(value: unknown): value is DepartmentLevel {
  return typeof value === 'string' && (DEPARTMENT_LEVELS as readonly string[]).includes(value);
}

/** Departments that can't be indexed, with every problem, prefixed by the department they belong to. */
export class DepartmentError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid departments:\n  - ${problems.join('\n  - ')}`);
    this.name = 'DepartmentError';
  }
}
