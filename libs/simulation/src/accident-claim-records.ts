import {
  ACCIDENT_CATEGORIES,
  ACCIDENT_GRADES,
  type AccidentCategory,
  type AccidentGrade,
  type AccidentRecord,
  type ClaimRecord,
  type Enterprise,
  type Sector,
} from '@ajx/contracts';
import { formatBeijingDateTime } from '@ajx/domain';
import type { Random } from './random';

/** An accident or claim version as the generator meant it (see SimulatedRecord). */
export type SimulatedV2Record =
  { kind: 'accident'; record: AccidentRecord; time: string } | { kind: 'claim'; record: ClaimRecord; time: string };

const MINUTE = 60000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const timeOf = (ms: number): string => formatBeijingDateTime(ms)!;
/** Whole seconds, as every native format can write them. */
const second = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** The accidents a sector typically has (GB 6441); any category may still happen anywhere. */
export const TYPICAL_ACCIDENTS: Readonly<Record<Sector, readonly AccidentCategory[]>> = {
  coal_mining: ['gas_explosion', 'roof_fall', 'water_inrush', 'vehicle', 'poisoning_asphyxiation'],
  non_coal_mining: ['roof_fall', 'blasting', 'collapse', 'fall_from_height', 'vehicle'],
  hazardous_chemicals: ['fire', 'other_explosion', 'poisoning_asphyxiation', 'burn', 'vessel_explosion'],
  fireworks: ['explosive_blast', 'fire', 'burn'],
  civil_explosives: ['explosive_blast', 'blasting', 'fire'],
  metal_smelting: ['burn', 'machinery', 'lifting', 'vessel_explosion', 'poisoning_asphyxiation'],
  construction: ['fall_from_height', 'collapse', 'struck_by_object', 'lifting', 'electrocution'],
  road_transport: ['vehicle', 'struck_by_object'],
  water_transport: ['drowning', 'struck_by_object', 'fire'],
  fishery: ['drowning', 'machinery'],
  city_gas: ['other_explosion', 'fire', 'poisoning_asphyxiation'],
  power: ['electrocution', 'burn', 'fall_from_height', 'boiler_explosion'],
  building_materials: ['machinery', 'struck_by_object', 'collapse', 'burn'],
  machinery: ['machinery', 'lifting', 'struck_by_object', 'electrocution'],
  dust_explosion: ['other_explosion', 'fire', 'burn'],
  other: ['other_injury', 'machinery', 'struck_by_object', 'fall_from_height'],
};

export const ACCIDENT_DESCRIPTIONS: Readonly<Record<AccidentCategory, string>> = {
  struck_by_object: '高处物料坠落砸伤下方作业人员',
  vehicle: '厂内叉车倒车时撞伤现场人员',
  machinery: '检修时设备意外启动造成手部挤伤',
  lifting: '货物吊装时钢丝绳断裂',
  electrocution: '配电柜检修时未断电触电',
  drowning: '作业人员在码头装卸时落水',
  burn: '高温物料喷溅造成作业人员烫伤',
  fire: '仓库电气线路短路引发火灾',
  fall_from_height: '作业人员在脚手架上作业时失足坠落',
  collapse: '基坑边坡坍塌掩埋作业人员',
  roof_fall: '采掘工作面顶板冒落',
  water_inrush: '掘进工作面发生突水',
  blasting: '爆破作业时飞石伤人',
  explosive_blast: '药物混合工房发生爆炸',
  gas_explosion: '回采工作面瓦斯积聚引发爆炸',
  boiler_explosion: '锅炉超压运行发生爆炸',
  vessel_explosion: '压力容器超压破裂',
  other_explosion: '车间粉尘燃爆引发火灾',
  poisoning_asphyxiation: '受限空间作业未通风检测导致人员中毒',
  other_injury: '装卸作业中人员扭伤摔伤',
};
const PLACES = ['生产车间', '施工现场', '装卸区', '仓库', '采掘工作面', '厂区道路'];
const NOTES = ['（补充伤亡情况）', '（更新直接经济损失）'];

/**
 * The grade 《生产安全事故报告和调查处理条例》第三条 requires ("以上" includes the bound): the highest of the three
 * criteria (deaths, serious injuries, direct loss), else general.
 */
export function requiredGrade(deaths: number, seriousInjuries: number, directLossFen: number | null): AccidentGrade {
  const loss = directLossFen ?? 0;
  const by = (v: number, bounds: [number, number, number]): number =>
    v >= bounds[0] ? 3 : v >= bounds[1] ? 2 : v >= bounds[2] ? 1 : 0;
  const rank = Math.max(
    by(deaths, [30, 10, 3]),
    by(seriousInjuries, [100, 50, 10]),
    by(loss, [10_000_000_000, 5_000_000_000, 1_000_000_000]),
  );
  return ACCIDENT_GRADES[rank];
}

/** Casualties and loss of one accident: mostly general ones, some with deaths, a few larger and above. */
function severity(rng: Random): { deaths: number; serious: number; minor: number; lossFen: number | null } {
  const r = rng.next();
  // Per class [deaths, serious injuries, loss in yuan]: the low end of the class and its trigger range.
  const cls = r < 0.74 ? 0 : r < 0.93 ? 1 : r < 0.985 ? 2 : 3;
  let deaths = rng.chance(0.35) ? rng.int(1, 2) : 0;
  let serious = rng.int(0, 9);
  let lossYuan = rng.int(20_000, 9_999_999);
  if (cls > 0) {
    const trigger = rng.int(0, 2);
    const ranges: [number, number][][] = [
      [
        [3, 9],
        [10, 29],
        [30, 45],
      ],
      [
        [10, 49],
        [50, 99],
        [100, 130],
      ],
      [
        [10_000_000, 49_999_999],
        [50_000_000, 99_999_999],
        [100_000_000, 180_000_000],
      ],
    ];
    const [lo, hi] = ranges[trigger][cls - 1];
    const v = rng.int(lo, hi);
    if (trigger === 0) deaths = v;
    else if (trigger === 1) serious = v;
    else lossYuan = v;
  }
  const lossFen = cls === 0 && rng.chance(0.15) ? null : lossYuan * 100;
  return { deaths, serious, minor: rng.int(0, 15), lossFen };
}

export interface V2EpisodeContext {
  insurer: string;
  enterprise: Enterprise;
  policyNo: string;
  /** Coverage as epoch ms: accidents happen within it. */
  coverageStartMs: number;
  coverageEndMs: number;
  newId(infix: string, year: number): string;
}

/**
 * An enterprise's accidents during its coverage and the claims on them, every version in the order an insurer
 * reports it: the accident reported (to the authority within the hour, late, or never), maybe updated, usually
 * closed; a claim filed, assessed, agreed and paid — or rejected, withdrawn, or still open at some step, some of them
 * decided or paid late. Deterministic for the generator's state.
 */
export function accidentEpisodes(rng: Random, ctx: V2EpisodeContext): SimulatedV2Record[] {
  const out: SimulatedV2Record[] = [];
  const accidents = rng.chance(0.45) ? (rng.chance(0.85) ? 1 : 2) : 0;
  for (let n = 0; n < accidents; n++) {
    const occurredMs = second(rng.int(ctx.coverageStartMs, Math.max(ctx.coverageStartMs, ctx.coverageEndMs - DAY)));
    const accident = accidentOf(rng, ctx, occurredMs);
    out.push(...accidentVersions(rng, accident));
    if (rng.chance(0.75)) out.push(...claimVersions(rng, ctx, accident));
  }
  return out;
}

function accidentOf(rng: Random, ctx: V2EpisodeContext, occurredMs: number): AccidentRecord {
  const category = rng.chance(0.75)
    ? rng.pick(TYPICAL_ACCIDENTS[ctx.enterprise.sector])
    : rng.pick(ACCIDENT_CATEGORIES);
  const { deaths, serious, minor, lossFen } = severity(rng);
  const required = requiredGrade(deaths, serious, lossFen);
  const rank = ACCIDENT_GRADES.indexOf(required);
  // Now and then a grade below what the casualties require: kept as reported (a supervision finding).
  const grade = rank > 0 && rng.chance(0.08) ? ACCIDENT_GRADES[rank - 1] : required;
  const report = rng.next();
  const reportedMs =
    report < 0.8
      ? occurredMs + rng.int(5, 55) * MINUTE
      : report < 0.92
        ? occurredMs + rng.int(65, 30 * 60) * MINUTE
        : report < 0.93
          ? occurredMs
          : null;
  const occurred = new Date(occurredMs + 8 * HOUR).getUTCFullYear();
  return {
    accidentId: ctx.newId('SG', occurred),
    insurer: ctx.insurer,
    action: 'reported',
    version: 1,
    policyNo: rng.chance(0.9) ? ctx.policyNo : null,
    enterprise: ctx.enterprise,
    occurredAt: timeOf(occurredMs),
    location: rng.chance(0.75) ? `${ctx.enterprise.name.slice(0, 2)}${rng.pick(PLACES)}` : null,
    category,
    grade,
    deaths,
    seriousInjuries: serious,
    minorInjuries: minor,
    directLossFen: lossFen,
    description: ACCIDENT_DESCRIPTIONS[category],
    status: 'open',
    reportedToAuthorityAt: reportedMs === null ? null : timeOf(reportedMs),
  };
}

function accidentVersions(rng: Random, first: AccidentRecord): SimulatedV2Record[] {
  let t = Date.parse(first.occurredAt) + rng.int(1, 12) * HOUR + rng.int(0, 3599) * 1000;
  const versions: SimulatedV2Record[] = [{ kind: 'accident', record: first, time: timeOf(t) }];
  let current = first;
  if (rng.chance(0.45)) {
    t += rng.int(1, 10) * DAY;
    const later = rng.chance(0.5);
    current = {
      ...current,
      action: 'updated',
      version: current.version + 1,
      minorInjuries: current.minorInjuries + rng.int(0, 3),
      directLossFen: current.directLossFen === null ? null : current.directLossFen + rng.int(0, 50_000) * 100,
      // An accident never reported may be reported late; the update says when.
      reportedToAuthorityAt:
        current.reportedToAuthorityAt === null && later
          ? timeOf(t - rng.int(1, 20) * HOUR)
          : current.reportedToAuthorityAt,
      description: `${current.description}${rng.pick(NOTES)}`,
    };
    versions.push({ kind: 'accident', record: current, time: timeOf(t) });
  }
  if (rng.chance(0.7)) {
    t += rng.int(10, 90) * DAY;
    current = { ...current, action: 'closed', status: 'closed', version: current.version + 1 };
    versions.push({ kind: 'accident', record: current, time: timeOf(t) });
  }
  return versions;
}

function claimVersions(rng: Random, ctx: V2EpisodeContext, accident: AccidentRecord): SimulatedV2Record[] {
  const occurredMs = Date.parse(accident.occurredAt);
  const filedMs = second(occurredMs + rng.int(2 * 60, 4 * 24 * 60) * MINUTE);
  const victims = accident.deaths + accident.seriousInjuries + accident.minorInjuries;
  const claimedFen = (victims || 1) * rng.int(30_000, 600_000) * 100 + (rng.chance(0.3) ? rng.int(1, 99) : 0);
  const filedYear = new Date(filedMs + 8 * HOUR).getUTCFullYear();
  let claim: ClaimRecord = {
    claimNo: ctx.newId('PA', filedYear),
    insurer: ctx.insurer,
    action: 'filed',
    version: 1,
    policyNo: ctx.policyNo,
    accidentId: rng.chance(0.95) ? accident.accidentId : null,
    enterprise: ctx.enterprise,
    filedAt: timeOf(filedMs),
    documentsCompleteAt: null,
    decidedAt: null,
    decision: null,
    agreedAt: null,
    paidAt: null,
    claimedFen,
    agreedFen: null,
    paidFen: null,
    victims,
  };
  const versions: SimulatedV2Record[] = [{ kind: 'claim', record: claim, time: claim.filedAt }];
  const next = (changes: Partial<ClaimRecord>, atMs: number): void => {
    claim = { ...claim, ...changes, version: claim.version + 1 };
    versions.push({ kind: 'claim', record: claim, time: timeOf(atMs) });
  };
  const withdraw = (fromMs: number): void => next({ action: 'withdrawn' }, fromMs + rng.int(1, 30) * DAY);

  if (!rng.chance(0.85)) return versions;
  if (rng.chance(0.05)) {
    withdraw(filedMs);
    return versions;
  }
  const docsMs = filedMs + rng.int(1, 20) * DAY + rng.int(0, 23) * HOUR;
  // Mostly within the 30 days 保险法第二十三条 allows, some later.
  const decidedMs = docsMs + (rng.chance(0.85) ? rng.int(1, 29) : rng.int(31, 60)) * DAY + rng.int(0, 23) * HOUR;
  const decided = { documentsCompleteAt: timeOf(docsMs), decidedAt: timeOf(decidedMs) };
  if (rng.chance(0.12)) {
    next({ action: 'rejected', ...decided, decision: 'reject' }, decidedMs);
    return versions;
  }
  next({ action: 'assessed', ...decided, decision: 'accept' }, decidedMs);
  if (!rng.chance(0.85)) return versions;
  if (rng.chance(0.03)) {
    withdraw(decidedMs);
    return versions;
  }
  const agreedMs = decidedMs + rng.int(1, 15) * DAY;
  const agreedFen = Math.round((claimedFen * rng.int(30, 100)) / 100 / 100) * 100;
  next({ action: 'agreed', agreedAt: timeOf(agreedMs), agreedFen }, agreedMs);
  if (!rng.chance(0.85)) return versions;
  const paidMs = agreedMs + (rng.chance(0.85) ? rng.int(1, 10) : rng.int(11, 30)) * DAY - rng.int(0, 3) * HOUR;
  next({ action: 'paid', paidAt: timeOf(paidMs), paidFen: agreedFen }, paidMs);
  return versions;
}
