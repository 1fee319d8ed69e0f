import type { SupervisionRuleId } from '@ajx/authz';
import { compareCodePoints } from './code-point';

/**
 * The violation ladder of 济宁 七(八): an insurer's confirmed market-order violations of a year — 到非规定范围和行业
 * 强行开展业务 (OUT_OF_TERRITORY), 擅自变更费率标准 (RATE_BELOW_FLOOR, RATE_MISMATCH), 擅自减少参保人数
 * (HEADCOUNT_REDUCED), 续保仍由原承保公司承担 (RENEWAL_INSURER_CHANGED) and, with data standard v2, an understated
 * accident factor (ACCIDENT_FACTOR_UNDERSTATED): once → 通报批评 (联席会), twice → 警告 (领导小组); a third, or any
 * confirmed 不按时足额提取防灾防损费用 (FEE_UNDER_ACCRUED) → 退出安责险市场 review.
 */
export const LADDER_RULES: ReadonlySet<SupervisionRuleId> = new Set<SupervisionRuleId>([
  'OUT_OF_TERRITORY',
  'RATE_BELOW_FLOOR',
  'RATE_MISMATCH',
  'HEADCOUNT_REDUCED',
  'RENEWAL_INSURER_CHANGED',
  'ACCIDENT_FACTOR_UNDERSTATED',
]);
export const MARKET_EXIT_RULE: SupervisionRuleId = 'FEE_UNDER_ACCRUED';

export type LadderStage = 'criticism' | 'warning' | 'market_exit_review';
export const LADDER_STAGE_NAMES: Readonly<Record<LadderStage, string>> = {
  criticism: '通报批评',
  warning: '警告',
  market_exit_review: '退出市场审查',
};

/** A finding a department confirmed. */
export interface ConfirmedFinding {
  readonly rule: SupervisionRuleId;
  readonly key: string;
  /** The insurer the finding is attributed to (null: the enterprise; such findings are not on the ladder). */
  readonly insurer: string | null;
  /** When it was confirmed (RFC 3339); the ladder year is the Beijing year of this instant. */
  readonly confirmedAt: string;
}

export interface LadderPosition {
  readonly insurer: string;
  readonly year: number;
  /** Distinct confirmed findings of the ladder rules in the year. */
  readonly violations: number;
  /** Distinct confirmed FEE_UNDER_ACCRUED findings in the year. */
  readonly feeUnderAccrued: number;
  readonly stage: LadderStage;
  /** 通报批评, 警告 or 退出市场审查 */
  readonly stageName: string;
  /** The findings counted, `RULE key`, sorted. */
  readonly findings: readonly string[];
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

function beijingYear(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`confirmedAt ${JSON.stringify(instant)} is not a timestamp`);
  return new Date(ms + BEIJING_OFFSET_MS).getUTCFullYear();
}

/**
 * The ladder stage of every insurer and year with at least one confirmed finding that counts, sorted by insurer then
 * year. A finding confirmed again in the same year (after re-opening) counts once.
 */
export function violationLadder(confirmed: Iterable<ConfirmedFinding>): LadderPosition[] {
  const byInsurerYear = new Map<string, { insurer: string; year: number; ladder: Set<string>; fee: Set<string> }>();
  for (const f of confirmed) {
    if (f.insurer === null) continue;
    const onLadder = LADDER_RULES.has(f.rule);
    if (!onLadder && f.rule !== MARKET_EXIT_RULE) continue;
    const year = beijingYear(f.confirmedAt);
    const id = `${f.insurer}\u0000${year}`;
    let slot = byInsurerYear.get(id);
    if (!slot) {
      slot = { insurer: f.insurer, year, ladder: new Set(), fee: new Set() };
      byInsurerYear.set(id, slot);
    }
    (onLadder ? slot.ladder : slot.fee).add(`${f.rule} ${f.key}`);
  }
  return [...byInsurerYear.values()]
    .sort((a, b) => compareCodePoints(a.insurer, b.insurer) || a.year - b.year)
    .map((s) => {
      const stage: LadderStage =
        s.fee.size > 0 || s.ladder.size >= 3 ? 'market_exit_review' : s.ladder.size === 2 ? 'warning' : 'criticism';
      return {
        insurer: s.insurer,
        year: s.year,
        violations: s.ladder.size,
        feeUnderAccrued: s.fee.size,
        stage,
        stageName: LADDER_STAGE_NAMES[stage],
        findings: [...s.ladder, ...s.fee].sort(compareCodePoints),
      };
    });
}
