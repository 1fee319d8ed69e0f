import type { AccidentGrade, PriorYearAccident, SupervisedAccident } from './supervision.types';

const RANK: Record<PriorYearAccident, number> = { none: 0, general: 1, larger: 2, major: 3, especially_major: 4 };

/** general < larger < major < especially_major; `none` (the factor `priorYearAccident`) below them all. */
export function gradeRank(grade: PriorYearAccident): number {
  return RANK[grade];
}

const YI = 10_000_000_000; // 1 亿元 in fen

/**
 * The grade an accident's consequences require (生产安全事故报告和调查处理条例 第三条; "以上" includes the bound):
 * the highest of the grades from deaths, serious injuries and direct loss (null loss counts as 0).
 */
export function requiredGrade(
  a: Pick<SupervisedAccident, 'deaths' | 'seriousInjuries' | 'directLossFen'>,
): AccidentGrade {
  const loss = a.directLossFen ?? 0;
  if (a.deaths >= 30 || a.seriousInjuries >= 100 || loss >= YI) return 'especially_major';
  if (a.deaths >= 10 || a.seriousInjuries >= 50 || loss >= YI / 2) return 'major';
  if (a.deaths >= 3 || a.seriousInjuries >= 10 || loss >= YI / 10) return 'larger';
  return 'general';
}
