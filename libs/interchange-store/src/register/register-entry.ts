import { SECTORS, type Sector } from '@ajx/contracts';
import { countyByCode, INDUSTRY_CODE_PATTERN, isValidUscc, usccCheckCharacter } from '@ajx/domain';

/**
 * One enterprise of the must-insure register (应保企业名录): an enterprise that must hold work-safety liability
 * insurance, by sector and region. A submission is NDJSON, one entry per line.
 */
export interface RegisterEntry {
  /** 统一社会信用代码, upper case, with a correct check character. */
  uscc: string;
  name: string;
  /** Current county-level GB/T 2260 code. */
  regionCode: string;
  sector: Sector;
  /** GB/T 4754 industry code (e.g. D4500), if known. */
  industryCode: string | null;
  employeeCount: number | null;
  address: string | null;
  note: string | null;
  /**
   * `risk_deposit`: the enterprise chose the safety risk deposit (安全生产风险抵押金) instead of insurance (济宁 五(二),
   * 六(二)); null: it must be insured.
   */
  alternative: RegisterAlternative | null;
}

/** The alternatives to insurance a register entry may name. */
export const REGISTER_ALTERNATIVES = ['risk_deposit'] as const;
export type RegisterAlternative = (typeof REGISTER_ALTERNATIVES)[number];

/** What a submission may contain and replaces: a region prefix and, for a sector department, its sectors. */
export interface RegisterScope {
  /** `33` (a province), `3301` (a city) or `330106` (a county). */
  regionPrefix: string;
  /** null: every sector. */
  sectors: readonly Sector[] | null;
  /** How the scope is named in messages, e.g. `province 33` or `the jurisdiction 330106 of hz-xihu-emergency`. */
  label: string;
}

export interface RegisterProblem {
  field: string;
  message: string;
}

export type RegisterLineResult = { ok: true; entry: RegisterEntry } | { ok: false; problems: RegisterProblem[] };

const FIELDS = new Set([
  'uscc',
  'name',
  'regionCode',
  'sector',
  'industryCode',
  'employeeCount',
  'address',
  'note',
  'alternative',
]);
const SECTOR_SET: ReadonlySet<string> = new Set(SECTORS);
const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const MAX_NAME = 200;
const MAX_ADDRESS = 500;
const MAX_NOTE = 1000;

function optionalText(v: unknown, field: string, max: number, problems: RegisterProblem[]): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.trim() === '' || [...v].length > max) {
    problems.push({ field, message: `must be a non-empty string of at most ${max} characters, or null` });
    return null;
  }
  return v.trim();
}

/** Reads and checks one line of a register submission against the submitter's scope. */
export function parseRegisterLine(text: string, scope: RegisterScope): RegisterLineResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problems: [{ field: '', message: 'is not a JSON object' }] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problems: [{ field: '', message: 'is not a JSON object' }] };
  }
  const o = value as Record<string, unknown>;
  const problems: RegisterProblem[] = [];
  for (const k of Object.keys(o)) if (!FIELDS.has(k)) problems.push({ field: k, message: 'is not a known field' });

  const uscc = o.uscc;
  if (typeof uscc !== 'string' || !USCC_SHAPE.test(uscc)) {
    problems.push({ field: 'uscc', message: 'must be 18 upper-case characters of the GB 32100 alphabet' });
  } else if (!isValidUscc(uscc)) {
    problems.push({
      field: 'uscc',
      message: `${uscc} has a wrong check character (expected ${usccCheckCharacter(uscc.slice(0, 17)) ?? '?'})`,
    });
  }

  const name = o.name;
  if (typeof name !== 'string' || name.trim() === '' || [...name].length > MAX_NAME) {
    problems.push({ field: 'name', message: `must be a non-empty string of at most ${MAX_NAME} characters` });
  }

  const region = o.regionCode;
  if (typeof region !== 'string' || !/^\d{6}$/.test(region)) {
    problems.push({ field: 'regionCode', message: 'must be a six-digit GB/T 2260 code' });
  } else if (!countyByCode(region)) {
    problems.push({ field: 'regionCode', message: `${region} is not a current county-level code` });
  } else if (!region.startsWith(scope.regionPrefix)) {
    problems.push({ field: 'regionCode', message: `${region} is outside ${scope.label}` });
  }

  const sector = o.sector;
  if (typeof sector !== 'string' || !SECTOR_SET.has(sector)) {
    problems.push({ field: 'sector', message: `must be one of ${SECTORS.join(', ')}` });
  } else if (scope.sectors && !scope.sectors.includes(sector as Sector)) {
    problems.push({ field: 'sector', message: `${sector} is outside ${scope.label} (${scope.sectors.join(', ')})` });
  }

  let industryCode: string | null = null;
  if (o.industryCode !== undefined && o.industryCode !== null) {
    if (typeof o.industryCode === 'string' && INDUSTRY_CODE_PATTERN.test(o.industryCode)) industryCode = o.industryCode;
    else problems.push({ field: 'industryCode', message: 'must be a GB/T 4754 code such as D4500, or null' });
  }
  let employeeCount: number | null = null;
  if (o.employeeCount !== undefined && o.employeeCount !== null) {
    const n = o.employeeCount;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 10_000_000) employeeCount = n;
    else problems.push({ field: 'employeeCount', message: 'must be an integer 0–10000000, or null' });
  }
  const address = optionalText(o.address, 'address', MAX_ADDRESS, problems);
  const note = optionalText(o.note, 'note', MAX_NOTE, problems);
  let alternative: RegisterAlternative | null = null;
  if (o.alternative !== undefined && o.alternative !== null) {
    if ((REGISTER_ALTERNATIVES as readonly unknown[]).includes(o.alternative))
      alternative = o.alternative as RegisterAlternative;
    else
      problems.push({
        field: 'alternative',
        message: `must be ${REGISTER_ALTERNATIVES.map((a) => `"${a}"`).join(', ')} or null, got ${JSON.stringify(o.alternative)}`,
      });
  }

  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    entry: {
      uscc: uscc as string,
      name: (name as string).trim(),
      regionCode: region as string,
      sector: sector as Sector,
      industryCode,
      employeeCount,
      address,
      note,
      alternative,
    },
  };
}
