import { builtInRulePack } from '@ajx/authz';
import type { Figures } from '../figures';
import { supervise } from '../supervision-engine';
import { supervisionParameters, type SupervisionParameters } from '../supervision-parameters';
import type {
  Finding,
  SupervisedAccident,
  SupervisedClaim,
  SupervisedHazard,
  SupervisedPolicy,
  SupervisedService,
  SupervisionInput,
  SupervisionRegisterEntry,
} from '../supervision.types';

/*
 * Builders of supervised records for the tests (pure; not exported by the library). Defaults: an enterprise of
 * 任城区 (370811, jining's jurisdiction), a PICC policy of 2024 fully staffed with a consistent rate and fee.
 */

export const USCC = '91370811MA3C000001';
export const OTHER_USCC = '91370811MA3C000002';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | null ? DeepPartial<NonNullable<T[K]>> | T[K] : T[K] };

function merge<T>(base: T, over: DeepPartial<T> | undefined): T {
  if (!over) return base;
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(over)) {
    const b = (base as Record<string, unknown>)[k];
    out[k] =
      v !== null && typeof v === 'object' && !Array.isArray(v) && b !== null && typeof b === 'object' ? merge(b, v) : v;
  }
  return out as T;
}

export function policy(over?: DeepPartial<SupervisedPolicy>): SupervisedPolicy {
  return merge<SupervisedPolicy>(
    {
      policyNo: 'PICCAZ2024000001',
      insurer: 'PICC',
      version: 1,
      enterprise: { uscc: USCC, regionCode: '370811', sector: 'non_coal_mining', employeeCount: 52 },
      coverage: { start: '2024-01-01', end: '2024-12-31', insuredHeadcount: 52 },
      premium: {
        amountFen: 1_000_000,
        adjustmentPct: -20,
        factors: { standardization: 'level2', safetyCulture: 'none', advancedUnit: 'none', priorYearAccident: 'none' },
      },
      preventionFeeFen: 50_000,
      cancelledOn: null,
    },
    over,
  );
}

export function service(over?: DeepPartial<SupervisedService>): SupervisedService {
  return merge<SupervisedService>(
    {
      serviceId: 'PICCFW2024000001',
      insurer: 'PICC',
      action: 'recorded',
      version: 1,
      enterprise: { uscc: USCC, regionCode: '370811', sector: 'non_coal_mining' },
      item: 'training',
      endedAt: '2024-03-01T16:00:00+08:00',
      costFen: 100_000,
    },
    over,
  );
}

export function hazard(over?: DeepPartial<SupervisedHazard>): SupervisedHazard {
  return merge<SupervisedHazard>(
    {
      hazardId: 'PICCYH2024000001',
      insurer: 'PICC',
      version: 1,
      enterprise: { uscc: USCC, regionCode: '370811', sector: 'non_coal_mining' },
      level: 'general',
      discoveredAt: '2024-03-01T10:00:00+08:00',
      rectifyBy: null,
      status: 'open',
    },
    over,
  );
}

export function accident(over?: DeepPartial<SupervisedAccident>): SupervisedAccident {
  return merge<SupervisedAccident>(
    {
      accidentId: 'PICCSG2023000001',
      insurer: 'PICC',
      version: 1,
      enterprise: { uscc: USCC, regionCode: '370811', sector: 'non_coal_mining' },
      occurredAt: '2023-06-01T10:00:00+08:00',
      grade: 'general',
      deaths: 0,
      seriousInjuries: 1,
      minorInjuries: 2,
      directLossFen: 10_000_000,
      reportedToAuthorityAt: '2023-06-01T10:30:00+08:00',
    },
    over,
  );
}

export function claim(over?: DeepPartial<SupervisedClaim>): SupervisedClaim {
  return merge<SupervisedClaim>(
    {
      claimNo: 'PICCPA2024000001',
      insurer: 'PICC',
      action: 'filed',
      version: 1,
      enterprise: { uscc: USCC, regionCode: '370811', sector: 'non_coal_mining' },
      documentsCompleteAt: null,
      decidedAt: null,
      agreedAt: null,
      paidAt: null,
      paidFen: null,
    },
    over,
  );
}

export function registered(over?: Partial<SupervisionRegisterEntry>): SupervisionRegisterEntry {
  return {
    uscc: USCC,
    regionCode: '370811',
    sector: 'non_coal_mining',
    employeeCount: null,
    alternative: null,
    ...over,
  };
}

type AnyRecord = SupervisedPolicy | SupervisedService | SupervisedHazard | SupervisedAccident | SupervisedClaim;

/** Wraps a record as a received version (kind from its subject field). */
export function input(record: AnyRecord, acceptedAt: string | null = null): SupervisionInput {
  if ('policyNo' in record && 'coverage' in record) return { kind: 'policy', record, acceptedAt };
  if ('serviceId' in record) return { kind: 'service', record, acceptedAt };
  if ('hazardId' in record) return { kind: 'hazard', record, acceptedAt };
  if ('accidentId' in record) return { kind: 'accident', record, acceptedAt };
  return { kind: 'claim', record, acceptedAt };
}

export const jining = (): SupervisionParameters => supervisionParameters(builtInRulePack('jining', 1));
export const zhejiang = (): SupervisionParameters => supervisionParameters(builtInRulePack('default', 1));

export interface Run {
  findings: Finding[];
  figures: Figures;
  /** The findings of one rule. */
  of(rule: Finding['rule']): Finding[];
  /** The facts of the only finding of `rule` (fails when there is not exactly one). */
  factsOf(rule: Finding['rule']): unknown;
}

/** Evaluates records (versions in the given order) and register entries on asOf. */
export function run(
  asOf: string,
  records: readonly (AnyRecord | SupervisionInput)[],
  register: readonly SupervisionRegisterEntry[] = [],
  params: SupervisionParameters = jining(),
): Run {
  const inputs = records.map((r) => ('kind' in r && 'record' in r ? r : input(r)));
  const { findings, figures } = supervise(params, inputs, register, asOf);
  return {
    findings,
    figures,
    of: (rule) => findings.filter((f) => f.rule === rule),
    factsOf: (rule) => {
      const matching = findings.filter((f) => f.rule === rule);
      if (matching.length !== 1)
        throw new Error(`expected one ${rule} finding, got ${matching.length}: ${JSON.stringify(findings)}`);
      return matching[0].facts;
    },
  };
}
