import type { FieldVisibility } from './record.mask';

/** A supervision finding as routed to a department (the message on `ajx.findings.v1`). */
export interface FindingViewData {
  rule: string;
  key: string;
  facts: Record<string, unknown>;
  message: string;
  [field: string]: unknown;
}

/** Facts that are amounts of money (commercial fields: premiums, fees, losses), per rule. */
const COMMERCIAL_FACTS: Readonly<Record<string, readonly string[]>> = {
  FEE_UNDER_ACCRUED: ['reported', 'required'],
  GRADE_MISMATCH: ['directLossFen'],
};

/**
 * The view of a finding for a department: where the pack masks commercial fields, amounts among the facts become
 * null and the sentence that quotes them is replaced by one that does not (the rule, the record and why it is
 * withheld). A new object; the input is never changed.
 */
export function maskFinding<T extends FindingViewData>(finding: T, visibility: FieldVisibility): T {
  const amounts = COMMERCIAL_FACTS[finding.rule];
  if (visibility.commercial !== 'masked' || !amounts) return { ...finding, facts: { ...finding.facts } };
  const facts = { ...finding.facts };
  for (const f of amounts) if (f in facts) facts[f] = null;
  return { ...finding, facts, message: `${finding.key}:${finding.rule} — 涉及金额,按数据分级对本部门隐去` };
}
