import {
  ACCIDENT_CATEGORY_NAMES,
  ACCIDENT_GRADE_NAMES,
  ACCIDENT_STATUS_NAMES,
  ADVANCED_UNIT_NAMES,
  CLAIM_DECISION_NAMES,
  CLAIM_STATUS_NAMES,
  HAZARD_STATUS_NAMES,
  PRIOR_YEAR_ACCIDENT_NAMES,
  PROVIDER_KIND_NAMES,
  SAFETY_CULTURE_NAMES,
  SERVICE_FORM_NAMES,
  SERVICE_ITEM_NAMES,
  STANDARDIZATION_NAMES,
} from '@ajx/domain';
import type { Random } from '../random';

/** The standard's Chinese names (from the normaliser's own tables, so both sides read the same standard). */
export const CHINESE = {
  standardization: STANDARDIZATION_NAMES,
  safetyCulture: SAFETY_CULTURE_NAMES,
  advancedUnit: ADVANCED_UNIT_NAMES,
  priorYearAccident: PRIOR_YEAR_ACCIDENT_NAMES,
  item: SERVICE_ITEM_NAMES,
  form: SERVICE_FORM_NAMES,
  providerKind: PROVIDER_KIND_NAMES,
  status: HAZARD_STATUS_NAMES,
  accidentCategory: ACCIDENT_CATEGORY_NAMES,
  accidentGrade: ACCIDENT_GRADE_NAMES,
  accidentStatus: ACCIDENT_STATUS_NAMES,
  claimStatus: CLAIM_STATUS_NAMES,
  claimDecision: CLAIM_DECISION_NAMES,
};

const cache = new WeakMap<object, Record<string, string[]>>();

/** canonical value → every Chinese name of it, the primary first. */
export function namesOf(table: Readonly<Record<string, string>>): Record<string, string[]> {
  let out = cache.get(table);
  if (!out) {
    out = {};
    for (const [name, value] of Object.entries(table)) (out[value] ??= []).push(name);
    cache.set(table, out);
  }
  return out;
}

/** The primary Chinese name of a canonical value. */
export function chinese(table: Readonly<Record<string, string>>, value: string): string {
  return namesOf(table)[value][0];
}

/** Any accepted Chinese name of a canonical value (primary or alias). */
export function anyChinese(table: Readonly<Record<string, string>>, value: string, rng: Random): string {
  return rng.pick(namesOf(table)[value]);
}

export function pickName(names: readonly string[], rng: Random): string {
  return rng.pick(names);
}
