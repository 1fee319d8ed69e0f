import type { RateTable } from '@ajx/authz';
import { FACTOR_NAMES, type FactorName, type SupervisedPolicy } from './supervision.types';

/** The term of each factor and `expected = max(floor, Σ terms)` (济宁 四(二): 累计降幅不超过30%). */
export function expectedRate(
  rate: RateTable,
  factors: SupervisedPolicy['premium']['factors'],
): { expected: number; terms: Record<FactorName, number> } | null {
  const terms = {} as Record<FactorName, number>;
  let sum = 0;
  for (const name of FACTOR_NAMES) {
    const level = factors[name];
    if (level === null) return null;
    const term = rate.terms[name][level];
    if (term === undefined) return null;
    terms[name] = term;
    sum += term;
  }
  return { expected: Math.max(rate.floor, sum), terms };
}

/** A percentage to the hundredth, as an integer number of hundredths (`round(x × 100)`, halves towards +∞). */
export function hundredths(pct: number): number {
  return Math.round(pct * 100);
}

/** The missing inputs of a rate check: `adjustmentPct` first, then the null factors in the standard order. */
export function missingRateInputs(premium: SupervisedPolicy['premium']): ('adjustmentPct' | FactorName)[] {
  const missing: ('adjustmentPct' | FactorName)[] = [];
  if (premium.adjustmentPct === null) missing.push('adjustmentPct');
  for (const name of FACTOR_NAMES) if (premium.factors[name] === null) missing.push(name);
  return missing;
}

/** `floor((amountFen × feeRateBp + 5000) / 10000)`: the prevention fee due, half up in integers (exact above 2^53). */
export function requiredFee(amountFen: number, feeRateBp: number): number {
  const product = amountFen * feeRateBp;
  if (Number.isSafeInteger(product + 5000)) return Math.floor((product + 5000) / 10000);
  return Number((BigInt(amountFen) * BigInt(feeRateBp) + 5000n) / 10000n);
}
