import { builtInRulePackBySpec, type SupervisionRuleId } from '@ajx/authz';
import {
  ACCIDENT_CATEGORIES,
  type AccidentGrade,
  type AccidentRecord,
  type ClaimRecord,
  type Enterprise,
  type HazardRecord,
  type PolicyRecord,
  type RateFactors,
  type Sector,
  type ServiceItem,
  type ServiceRecord,
} from '@ajx/contracts';
import { COUNTIES, formatBeijingDateTime, toSimplified, type County } from '@ajx/domain';
import { ACCIDENT_DESCRIPTIONS, TYPICAL_ACCIDENTS, requiredGrade } from './accident-claim-records';
import {
  FIRM_WORDS,
  FORMS_OF_COMPANY,
  ID_PREFIX,
  INSURER_NAMES,
  PROVIDERS,
  SECTOR_WORDS,
  industryCodeFor,
  mobile,
  personName,
  randomUscc,
  type SimulatedRecord,
} from './canonical-records';
import { Random } from './random';

/*
 * The supervision scenario of the demo and the tests (issue 15): a must-insure register of 济宁 (3708) and 杭州
 * (3301) and what the four insurers with adapters deliver about its enterprises — the history up to yesterday, then
 * today's activity in ticks — with violations of the supervision rules planted where the scenario says and nowhere
 * else. Every date is relative to `today`; the same seed gives the same scenario, another `today` the same one
 * shifted (policy years keep their calendar length, so a coverage end may move by a day more or less).
 */

/** The cities a scenario can hold. */
export const SCENARIO_CITIES = ['3708', '3301'] as const;
export type ScenarioCity = (typeof SCENARIO_CITIES)[number];
/** The insurers with an adapter: only they deliver records (TAISHAN and SUNSHINE of 济宁 三 have none). */
export const SCENARIO_INSURERS = ['PICC', 'PINGAN', 'CPIC', 'DADI'] as const;

/** One line of a must-insure register submission (docs/interchange.md "Register"). */
export interface RegisterLine {
  uscc: string;
  name: string;
  regionCode: string;
  sector: Sector;
  industryCode?: string | null;
  employeeCount?: number | null;
  address?: string | null;
  note?: string | null;
  /** `risk_deposit`: the enterprise chose the safety risk deposit instead of insurance (济宁 五(二), 六(二)). */
  alternative?: 'risk_deposit' | null;
}

/**
 * A record version of the scenario. `time` is its business time (the CloudEvent `time`); `acceptedAt` (RFC 3339)
 * when the hub accepts it in the plan: history as if delivered at `time`, a tick's records at the tick. A live hub
 * uses its real acceptance time instead; the scenario is built so that this changes no finding (see
 * docs/supervision.md "The demo's scenario").
 */
export type ScenarioRecord = SimulatedRecord & {
  readonly acceptedAt: string;
  /** null: the history (delivered before today); n: the n-th tick of today's activity. */
  readonly tick: number | null;
};

/** A violation the scenario planted: the finding `(rule, key)` the supervision rules must give on `today`. */
export interface PlantedViolation {
  readonly rule: SupervisionRuleId;
  readonly key: string;
  readonly why: string;
  /** The tick whose records make it appear; null: the history does. */
  readonly from: number | null;
  /** The tick whose records resolve it; null: it stays. */
  readonly until: number | null;
}

/** An enterprise of the scenario and the part it plays. */
export interface ScenarioEnterprise {
  readonly uscc: string;
  readonly name: string;
  readonly regionCode: string;
  readonly sector: Sector;
  readonly profile: ScenarioProfile;
  /** Listed in the register (an enterprise may be insured without being registered yet). */
  readonly registered: boolean;
}

export interface SupervisionScenarioOptions {
  seed: number | string;
  /** A Beijing date `YYYY-MM-DD`: the day the scenario is evaluated on. */
  today: string;
  /** Enterprises per county (default 16, at least 8). */
  enterprisesPerCounty?: number;
  /** Cities (default both): 3708 济宁, 3301 杭州. */
  regions?: readonly ScenarioCity[];
  /** Ticks of today's planned activity, ten minutes apart from 10:00 (default 24, at most 60). */
  ticks?: number;
}

export interface SupervisionScenario {
  readonly seed: number | string;
  readonly today: string;
  readonly regions: readonly ScenarioCity[];
  readonly enterprises: readonly ScenarioEnterprise[];
  /** The must-insure register, by city then county then USCC. */
  readonly register: readonly RegisterLine[];
  /** Every version delivered before today, in time order. */
  readonly history: readonly ScenarioRecord[];
  /** Today's activity, tick by tick (a tick's records in order). */
  readonly ticks: readonly (readonly ScenarioRecord[])[];
  /** Every planted violation, sorted by rule then key. */
  readonly planted: readonly PlantedViolation[];
}

/** History then the ticks, in delivery order. */
export function scenarioRecords(s: SupervisionScenario): ScenarioRecord[] {
  return [...s.history, ...s.ticks.flat()];
}

/** The findings `(rule, key)` the scenario plants, as they stand after `tick` (null: after the history only). */
export function plantedAfter(s: { planted: readonly PlantedViolation[] }, tick: number | null): PlantedViolation[] {
  const t = tick ?? -1;
  return s.planted.filter((p) => (p.from ?? -1) <= t && (p.until === null || p.until > t));
}

/** The parts an enterprise plays (one each); `clean` ones are insured, served and rated as the rules require. */
export const SCENARIO_PROFILES = [
  'clean',
  'unregistered',
  'renewedWithOtherInsurer',
  'rateBelowFloorOutsideJining',
  'uninsured',
  'uninsuredInsuresLive',
  'riskDeposit',
  'riskDepositAfterPolicy',
  'lapsed',
  'lapsedInsuresLive',
  'surrendered',
  'renewalDue',
  'renewalDueRenewedLive',
  'renewalDueChangesInsurerLive',
  'partialHeadcount',
  'partialByRegister',
  'headcountReduced',
  'headcountReducedLive',
  'rateBelowFloor',
  'rateBelowFloorNoFactors',
  'rateMismatch',
  'rateUnverifiable',
  'feeUnderAccrued',
  'serviceMissing',
  'outOfTerritory',
  'renewalInsurerChanged',
  'accidentFactorUnderstated',
  'hazardOverdue',
  'hazardRectifiedLive',
  'hazardReportedLate',
  'accidentReportedLate',
  'accidentUnreportedLive',
  'gradeMismatch',
  'claimDecisionLate',
  'claimPaymentLate',
  'claimPaidLateLive',
  'newBusinessLive',
  'newBusinessOutOfTerritoryLive',
] as const;
export type ScenarioProfile = (typeof SCENARIO_PROFILES)[number];

/** How many enterprises of a city play each part: a share of the city's enterprises, at least one. */
const PROFILE_SHARES: Readonly<Record<ScenarioCity, Partial<Record<ScenarioProfile, number>>>> = {
  // 济宁: every rule of jining@1 applies.
  '3708': {
    uninsured: 0.03,
    uninsuredInsuresLive: 0,
    riskDeposit: 0.015,
    riskDepositAfterPolicy: 0,
    unregistered: 0.025,
    lapsed: 0.025,
    lapsedInsuresLive: 0,
    surrendered: 0.01,
    renewalDue: 0.025,
    renewalDueRenewedLive: 0,
    renewalDueChangesInsurerLive: 0,
    partialHeadcount: 0.01,
    partialByRegister: 0.01,
    headcountReduced: 0.01,
    headcountReducedLive: 0,
    rateBelowFloor: 0,
    rateBelowFloorNoFactors: 0,
    rateMismatch: 0.01,
    rateUnverifiable: 0.015,
    feeUnderAccrued: 0.015,
    serviceMissing: 0.015,
    outOfTerritory: 0.015,
    renewalInsurerChanged: 0.01,
    accidentFactorUnderstated: 0.01,
    hazardOverdue: 0.015,
    hazardRectifiedLive: 0,
    hazardReportedLate: 0.01,
    accidentReportedLate: 0.01,
    accidentUnreportedLive: 0,
    gradeMismatch: 0,
    claimDecisionLate: 0.01,
    claimPaymentLate: 0,
    claimPaidLateLive: 0,
    newBusinessLive: 0,
    newBusinessOutOfTerritoryLive: 0,
  },
  // 杭州: only the rules of every pack apply; the jining rules' patterns (another insurer renewing, a rate below
  // −30 %) occur there without a finding.
  '3301': {
    uninsured: 0.03,
    uninsuredInsuresLive: 0,
    riskDeposit: 0.015,
    unregistered: 0.025,
    lapsed: 0.025,
    lapsedInsuresLive: 0,
    surrendered: 0.015,
    renewalDue: 0.025,
    renewalDueRenewedLive: 0,
    renewalDueChangesInsurerLive: 0,
    partialHeadcount: 0.015,
    partialByRegister: 0.01,
    headcountReducedLive: 0,
    renewedWithOtherInsurer: 0.02,
    rateBelowFloorOutsideJining: 0.01,
    hazardOverdue: 0.015,
    hazardRectifiedLive: 0,
    hazardReportedLate: 0.01,
    accidentReportedLate: 0.01,
    accidentUnreportedLive: 0,
    gradeMismatch: 0,
    claimDecisionLate: 0.01,
    claimPaymentLate: 0,
    claimPaidLateLive: 0,
    newBusinessLive: 0,
  },
};

/** Sectors typical of each county, with weights (the industries the county is known for). */
const COUNTY_SECTORS: Readonly<Record<string, readonly (readonly [Sector, number])[]>> = {
  // 济宁
  '370811': [
    ['machinery', 3],
    ['construction', 2],
    ['hazardous_chemicals', 2],
    ['road_transport', 2],
    ['building_materials', 1],
    ['other', 2],
  ],
  '370812': [
    ['hazardous_chemicals', 3],
    ['coal_mining', 2],
    ['machinery', 2],
    ['building_materials', 1],
    ['road_transport', 1],
    ['other', 1],
  ],
  '370881': [
    ['building_materials', 2],
    ['construction', 2],
    ['road_transport', 1],
    ['other', 2],
    ['machinery', 1],
  ],
  '370831': [
    ['non_coal_mining', 3],
    ['building_materials', 2],
    ['other', 1],
    ['road_transport', 1],
  ],
  '370883': [
    ['coal_mining', 4],
    ['power', 2],
    ['hazardous_chemicals', 2],
    ['machinery', 2],
    ['road_transport', 1],
  ],
  '370829': [
    ['non_coal_mining', 3],
    ['building_materials', 2],
    ['machinery', 2],
    ['other', 1],
  ],
  '370830': [
    ['coal_mining', 2],
    ['hazardous_chemicals', 2],
    ['building_materials', 1],
    ['machinery', 1],
    ['other', 1],
  ],
  '370826': [
    ['coal_mining', 3],
    ['water_transport', 3],
    ['fishery', 2],
    ['power', 1],
  ],
  '370827': [
    ['fishery', 2],
    ['other', 2],
    ['road_transport', 2],
    ['building_materials', 1],
    ['machinery', 1],
  ],
  '370871': [
    ['machinery', 4],
    ['hazardous_chemicals', 2],
    ['construction', 2],
    ['other', 1],
  ],
  // 梁山 and 金乡: their own insurers (TAISHAN, SUNSHINE) have no adapter, so only the sectors open city-wide (and
  // construction, open to CPIC) can be insured by the four here; the rest of their enterprises are not in the scenario.
  '370832': [
    ['machinery', 3],
    ['road_transport', 3],
    ['water_transport', 2],
    ['construction', 1],
  ],
  '370828': [
    ['machinery', 2],
    ['road_transport', 2],
    ['coal_mining', 2],
    ['construction', 1],
  ],
  // 杭州
  '330102': [
    ['other', 3],
    ['construction', 2],
    ['city_gas', 1],
  ],
  '330105': [
    ['other', 2],
    ['machinery', 2],
    ['construction', 2],
    ['road_transport', 1],
  ],
  '330106': [
    ['construction', 2],
    ['city_gas', 1],
    ['other', 2],
  ],
  '330108': [
    ['other', 2],
    ['machinery', 2],
    ['power', 1],
  ],
  '330109': [
    ['hazardous_chemicals', 2],
    ['machinery', 3],
    ['metal_smelting', 1],
    ['road_transport', 2],
    ['building_materials', 1],
  ],
  '330110': [
    ['machinery', 2],
    ['building_materials', 2],
    ['construction', 2],
    ['dust_explosion', 1],
  ],
  '330111': [
    ['building_materials', 2],
    ['non_coal_mining', 2],
    ['metal_smelting', 1],
    ['fireworks', 1],
  ],
  '330112': [
    ['non_coal_mining', 2],
    ['building_materials', 1],
    ['dust_explosion', 1],
    ['other', 1],
  ],
  '330113': [
    ['machinery', 2],
    ['hazardous_chemicals', 1],
    ['dust_explosion', 1],
    ['other', 1],
  ],
  '330114': [
    ['hazardous_chemicals', 3],
    ['machinery', 2],
    ['water_transport', 1],
  ],
  '330122': [
    ['non_coal_mining', 2],
    ['building_materials', 2],
    ['fireworks', 1],
  ],
  '330127': [
    ['water_transport', 2],
    ['fishery', 1],
    ['non_coal_mining', 1],
    ['other', 1],
  ],
  '330182': [
    ['hazardous_chemicals', 2],
    ['building_materials', 2],
    ['non_coal_mining', 1],
  ],
};

/** Employees by sector: [min, max]. */
const EMPLOYEES: Readonly<Record<Sector, readonly [number, number]>> = {
  coal_mining: [300, 2500],
  non_coal_mining: [20, 150],
  hazardous_chemicals: [50, 400],
  fireworks: [10, 60],
  civil_explosives: [30, 150],
  metal_smelting: [100, 800],
  construction: [80, 600],
  road_transport: [20, 300],
  water_transport: [10, 80],
  fishery: [5, 40],
  city_gas: [50, 300],
  power: [100, 800],
  building_materials: [20, 200],
  machinery: [30, 500],
  dust_explosion: [20, 150],
  other: [10, 200],
};

/** Premium per insured person before the rate adjustment, in yuan, by the sector's risk. */
const PREMIUM_PER_HEAD: Readonly<Record<Sector, number>> = {
  coal_mining: 600,
  non_coal_mining: 450,
  hazardous_chemicals: 400,
  fireworks: 500,
  civil_explosives: 500,
  metal_smelting: 350,
  construction: 300,
  road_transport: 350,
  water_transport: 380,
  fishery: 250,
  city_gas: 320,
  power: 280,
  building_materials: 260,
  machinery: 220,
  dust_explosion: 260,
  other: 180,
};

const INSURER_WEIGHTS: Readonly<Record<string, number>> = { PICC: 35, PINGAN: 25, CPIC: 25, DADI: 15 };
const OTHER_ITEMS: readonly ServiceItem[] = ['hazard_inspection', 'emergency_drill', 'standardization', 'technology'];
const SUMMARIES: Readonly<Record<ServiceItem, string>> = {
  training: '开展全员安全生产教育培训,覆盖一线作业人员',
  risk_assessment: '开展安全风险辨识评估,形成风险诊断报告',
  hazard_inspection: '组织现场隐患排查,形成隐患清单',
  emergency_drill: '指导企业修订应急预案并开展演练',
  standardization: '协助企业开展安全生产标准化自评',
  technology: '推广视频智能监控预警系统',
  other: '安全生产咨询服务',
};
const HAZARDS: readonly (readonly [string, string])[] = [
  ['应急管理', '应急照明失效,疏散通道堵塞'],
  ['人员资质', '特种作业人员未持证上岗'],
  ['高处作业', '脚手架连墙件缺失'],
  ['电气安全', '配电箱未接地,临时用电线路老化'],
  ['消防安全', '气瓶未固定,与明火距离不足'],
  ['设备设施', '设备防护罩缺失'],
];
const MAJOR_HAZARDS: readonly (readonly [string, string])[] = [
  ['设备设施', '主要通风机无备用电源,停电时无法保证通风'],
  ['消防安全', '危险化学品储罐区可燃气体报警装置失效'],
  ['粉尘防爆', '除尘系统未采取防爆措施,车间积尘严重'],
];

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const BEIJING = 8 * HOUR;
/** Today's planned activity: tick n at 10:00 + 10n minutes; extra ticks from 20:00 on. */
const TICK_START_MINUTES = 10 * 60;
const TICK_MINUTES = 10;
const EXTRA_TICK_START_MINUTES = 20 * 60;

const dayOfDate = (date: string): number =>
  Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / DAY;
const dateOfDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
/** Epoch ms of Beijing wall-clock `minutes` after midnight of `day`. */
const instant = (day: number, minutes: number): number => day * DAY - BEIJING + minutes * MINUTE;
const beijingDayOf = (ms: number): number => Math.floor((ms + BEIJING) / DAY);
const dt = (ms: number): string => formatBeijingDateTime(ms)!;
/** The same day `years` later (29 February → 1 March). */
const addYears = (day: number, years: number): number => {
  const d = new Date(day * DAY);
  return Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate()) / DAY;
};

const GRADE_RANK: Readonly<Record<string, number>> = { none: -1, general: 0, larger: 1, major: 2, especially_major: 3 };

/** What the scenario reads from the rule pack (jining@1): where its own rules apply, territories, rates, fee. */
interface PackFacts {
  jurisdiction: string;
  counties: ReadonlyMap<string, readonly string[]>;
  citywideSectors: ReadonlySet<Sector>;
  citywideInsurers: ReadonlyMap<Sector, readonly string[]>;
  terms: Readonly<Record<keyof RateFactors, Readonly<Record<string, number>>>>;
  floor: number;
  feeRateBp: number;
}

let jiningFacts: PackFacts | undefined;
function packFacts(): PackFacts {
  if (jiningFacts) return jiningFacts;
  const s = builtInRulePackBySpec('jining@1').supervision;
  if (!s?.territories || !s.rate || s.jurisdiction === null || s.feeRateBp === null)
    throw new Error('jining@1 lacks the supervision parameters the scenario plants against');
  const citywideInsurers = new Map<Sector, string[]>();
  for (const e of s.territories.citywideInsurerSectors)
    for (const sector of e.sectors) citywideInsurers.set(sector, [...(citywideInsurers.get(sector) ?? []), e.insurer]);
  jiningFacts = {
    jurisdiction: s.jurisdiction,
    counties: new Map(s.territories.counties.map((c) => [c.code, c.insurers])),
    citywideSectors: new Set(s.territories.citywideSectors),
    citywideInsurers,
    terms: s.rate.terms,
    floor: s.rate.floor,
    feeRateBp: s.feeRateBp,
  };
  return jiningFacts;
}

/** An enterprise while the scenario is built. */
interface Ent {
  readonly uscc: string;
  readonly name: string;
  readonly regionCode: string;
  readonly sector: Sector;
  readonly city: ScenarioCity;
  readonly county: County;
  readonly industryCode: string;
  readonly address: string;
  employees: number;
  readonly factors: Pick<RateFactors, 'standardization' | 'safetyCulture' | 'advancedUnit'>;
  /** The reported grade and Beijing day of each accident, for `priorYearAccident`. */
  readonly accidents: { grade: AccidentGrade; day: number }[];
  profile: ScenarioProfile;
  registered: boolean;
  /** The register's employee count: undefined → the enterprise's own, null → not given. */
  registerEmployees: number | null | undefined;
  alternative: 'risk_deposit' | null;
}

/** When a record is delivered: before today at `ms`, or in tick `tick` (today). */
type When = { tick: null; ms: number } | { tick: number };

interface PolicyOptions {
  end?: number;
  action?: 'issued' | 'renewed';
  insured?: number;
  /** undefined: the expected adjustment of the factors. */
  adjustmentPct?: number | null;
  factors?: Partial<RateFactors>;
  fee?: 'full' | 'null' | 'short';
  when?: When;
}

/** Builds one scenario (or one extra tick) with its own stream of choices and id serials. */
class ScenarioBuilder {
  readonly T: number;
  private readonly midnight: number;
  readonly facts = packFacts();
  readonly history: ScenarioRecord[] = [];
  readonly ticks = new Map<number, ScenarioRecord[]>();
  readonly planted: PlantedViolation[] = [];
  private readonly serials = new Map<string, number>();
  private readonly variants = new Map<string, number>();

  constructor(
    readonly rng: Random,
    today: string,
    private readonly serialOf: (key: string) => number,
    readonly tickMs: (tick: number) => number,
  ) {
    this.T = dayOfDate(today);
    this.midnight = instant(this.T, 0);
  }

  // ── ids, enterprises, insurers ──────────────────────────────────────────────────────────────────────────────

  /** `<insurer prefix><infix><county><serial>`: branch-coded, unique within the scenario, independent of today. */
  id(insurer: string, infix: string, county: string): string {
    const key = `${insurer}:${infix}`;
    const next = this.serials.get(key) ?? this.serialOf(key);
    this.serials.set(key, next + 1);
    return `${ID_PREFIX[insurer] ?? insurer}${infix}${county}${String(next).padStart(6, '0')}`;
  }

  enterprise(county: County, city: ScenarioCity, sector: Sector): Ent {
    const rng = this.rng;
    const short = county.name.replace(/(技术产业开发区)$/, '').replace(/(市|区|县)$/, '');
    const place = county.name === '济宁高新技术产业开发区' ? '济宁高新' : short.length < 2 ? county.name : short;
    const [lo, hi] = EMPLOYEES[sector];
    return {
      uscc: randomUscc(rng, county.code),
      name: toSimplified(place + rng.pick(FIRM_WORDS) + SECTOR_WORDS[sector] + rng.pick(FORMS_OF_COMPANY)),
      regionCode: county.code,
      sector,
      city,
      county,
      industryCode: industryCodeFor(rng, sector === 'dust_explosion' ? 'other' : sector),
      address: toSimplified(
        `${county.cityName}${county.name}${rng.pick(['开发区', '工业园区', '经济开发区', '高新园区'])}${rng.int(1, 199)}号`,
      ),
      employees: rng.int(lo, hi),
      factors: {
        standardization: rng.pick(['none', 'none', 'none', 'level3', 'level3', 'level2', 'level1'] as const),
        safetyCulture: rng.pick(['none', 'none', 'none', 'none', 'none', 'city', 'province', 'national'] as const),
        advancedUnit: rng.pick(['none', 'none', 'none', 'none', 'none', 'city', 'province'] as const),
      },
      accidents: [],
      profile: 'clean',
      registered: true,
      registerEmployees: undefined,
      alternative: null,
    };
  }

  inJurisdiction(e: Ent): boolean {
    return e.regionCode.startsWith(this.facts.jurisdiction);
  }

  /** The insurers (with an adapter) that may insure the enterprise: 济宁 三 in 3708, any elsewhere. */
  allowedInsurers(e: Pick<Ent, 'regionCode' | 'sector'>): string[] {
    const all = SCENARIO_INSURERS.filter((i) => i !== 'PINGAN' || e.sector !== 'dust_explosion');
    if (!e.regionCode.startsWith(this.facts.jurisdiction)) return all;
    const county = this.facts.counties.get(e.regionCode);
    if (!county || this.facts.citywideSectors.has(e.sector)) return all;
    const allowed = new Set([...county, ...(this.facts.citywideInsurers.get(e.sector) ?? [])]);
    return all.filter((i) => allowed.has(i));
  }

  /** Adapter insurers the territory table does not allow for the enterprise (empty where all are allowed). */
  outsideInsurers(e: Pick<Ent, 'regionCode' | 'sector'>): string[] {
    const allowed = this.allowedInsurers(e);
    return SCENARIO_INSURERS.filter((i) => !allowed.includes(i) && (i !== 'PINGAN' || e.sector !== 'dust_explosion'));
  }

  pickInsurer(e: Ent, not?: string): string {
    const options = this.allowedInsurers(e).filter((i) => i !== not);
    if (!options.length) throw new Error(`no insurer may insure ${e.sector} in ${e.regionCode}`);
    let total = 0;
    for (const i of options) total += INSURER_WEIGHTS[i];
    let r = this.rng.next() * total;
    for (const i of options) if ((r -= INSURER_WEIGHTS[i]) < 0) return i;
    return options[options.length - 1];
  }

  // ── delivery ───────────────────────────────────────────────────────────────────────────────────────────────

  /** Delivers a version: into the history (before today) or into a tick (a second apart within it). */
  deliver(kind: ScenarioRecord['kind'], record: ScenarioRecord['record'], when: When): void {
    if (when.tick === null) {
      if (when.ms >= this.midnight)
        throw new Error(`scenario bug: a history record at ${dt(when.ms)} is not before today`);
      const time = dt(when.ms);
      this.history.push({
        kind,
        record,
        time,
        acceptedAt: new Date(when.ms).toISOString(),
        tick: null,
      } as ScenarioRecord);
      return;
    }
    let list = this.ticks.get(when.tick);
    if (!list) this.ticks.set(when.tick, (list = []));
    const at = this.tickMs(when.tick) + list.length * 1000;
    const time = dt(at);
    list.push({ kind, record, time, acceptedAt: new Date(at).toISOString(), tick: when.tick } as ScenarioRecord);
  }

  /** The instant a record delivered `when` stands for (a tick: its time). */
  msOf(when: When): number {
    return when.tick === null ? when.ms : this.tickMs(when.tick);
  }

  /** The variants of a part in turn (0, 1, …, count − 1, 0, …), so a scenario shows each of them. */
  variant(part: string, count: number): number {
    const n = this.variants.get(part) ?? 0;
    this.variants.set(part, n + 1);
    return n % count;
  }

  plant(rule: SupervisionRuleId, key: string, why: string, from: number | null = null, until: number | null = null) {
    this.planted.push({ rule, key, why, from, until });
  }

  /** Business hours of a day before today (a random minute of 08:30–17:30). */
  workTime(day: number): number {
    return instant(day, this.rng.int(8 * 60 + 30, 17 * 60 + 30)) + this.rng.int(0, 59) * 1000;
  }

  // ── policies ───────────────────────────────────────────────────────────────────────────────────────────────

  expectedRate(f: RateFactors): number | null {
    let sum = 0;
    for (const name of ['standardization', 'safetyCulture', 'advancedUnit', 'priorYearAccident'] as const) {
      const level = f[name];
      if (level === null) return null;
      sum += this.facts.terms[name][level] ?? 0;
    }
    return Math.max(this.facts.floor, sum);
  }

  requiredFee(amountFen: number): number {
    return Math.floor((amountFen * this.facts.feeRateBp + 5000) / 10000);
  }

  /** The worst reported grade of the enterprise's accidents in the year before `start` (济宁 四(二)4). */
  priorYearAccident(e: Ent, start: number): RateFactors['priorYearAccident'] {
    let worst: RateFactors['priorYearAccident'] = 'none';
    for (const a of e.accidents)
      if (a.day >= start - 365 && a.day <= start - 1 && GRADE_RANK[a.grade] > GRADE_RANK[worst]) worst = a.grade;
    return worst;
  }

  /** A year's policy of `e` from `start` (its version 0), delivered before its start or in a tick. */
  policy(e: Ent, insurer: string, start: number, o: PolicyOptions = {}): PolicyRecord {
    const rng = this.rng;
    const end = o.end ?? addYears(start, 1) - 1;
    const factors: RateFactors = { ...e.factors, priorYearAccident: this.priorYearAccident(e, start), ...o.factors };
    const expected = this.expectedRate(factors);
    const adjustmentPct = o.adjustmentPct === undefined ? expected : o.adjustmentPct;
    const insured = o.insured ?? e.employees;
    const base = PREMIUM_PER_HEAD[e.sector] * rng.int(90, 110);
    const amountFen = Math.max(2000_00, Math.round((insured * base * (100 + (adjustmentPct ?? 0))) / 100 / 100) * 100);
    const required = this.requiredFee(amountFen);
    const fee = o.fee ?? (this.inJurisdiction(e) || rng.chance(0.7) ? 'full' : 'null');
    const policy: PolicyRecord = {
      policyNo: this.id(insurer, 'AZ', e.regionCode),
      insurer,
      action: o.action ?? 'issued',
      version: 0,
      enterprise: {
        uscc: e.uscc,
        name: e.name,
        regionCode: e.regionCode,
        sector: e.sector,
        industryCode: insurer === 'PINGAN' ? e.industryCode : null,
        employeeCount: e.employees,
      },
      contact: { name: personName(rng), phone: mobile(rng) },
      coverage: {
        start: dateOfDay(start),
        end: dateOfDay(end),
        insuredHeadcount: insured,
        perPersonLimitFen: rng.pick([500000, 800000, 1000000, 1200000]) * 100,
        totalLimitFen: rng.chance(0.5) ? rng.pick([10000000, 20000000, 50000000]) * 100 : null,
      },
      premium: { amountFen, adjustmentPct, factors },
      preventionFeeFen:
        fee === 'null' ? null : fee === 'short' ? Math.floor((amountFen * 3) / 100) : Math.ceil(required / 100) * 100,
      cancelledOn: null,
    };
    const when = o.when ?? { tick: null, ms: this.workTime(start - rng.int(1, 20)) };
    this.deliver('policy', policy, when);
    return policy;
  }

  /** A later version of a policy (an endorsement or the cancellation). */
  policyVersion(p: PolicyRecord, changes: Partial<PolicyRecord>, when: When): PolicyRecord {
    const next: PolicyRecord = { ...p, ...changes, version: p.version + 1 };
    this.deliver('policy', next, when);
    return next;
  }

  // ── services and hazards ───────────────────────────────────────────────────────────────────────────────────

  enterpriseOf(e: Ent): Enterprise {
    return { uscc: e.uscc, name: e.name, regionCode: e.regionCode, sector: e.sector };
  }

  /**
   * A service of `item` by the policy's insurer: on `day` (before today), or today before the tick. Returns the
   * record and its hours, for hazards found during it.
   */
  service(
    e: Ent,
    p: PolicyRecord,
    item: ServiceItem,
    at: { day: number } | { tick: number },
    hazards = 0,
  ): { record: ServiceRecord; startedMs: number; endedMs: number; when: When } {
    const rng = this.rng;
    const startedMs =
      'day' in at ? instant(at.day, rng.int(8 * 60 + 30, 14 * 60)) : this.tickMs(at.tick) - rng.int(150, 240) * MINUTE;
    const endedMs = startedMs + rng.int(60, 180) * MINUTE;
    const third = rng.chance(0.35);
    const record: ServiceRecord = {
      serviceId: this.id(p.insurer, 'FW', e.regionCode),
      insurer: p.insurer,
      action: 'recorded',
      version: 1,
      policyNo: rng.chance(0.9) ? p.policyNo : null,
      enterprise: this.enterpriseOf(e),
      item,
      form: item === 'training' ? rng.pick(['onsite', 'centralized', 'remote'] as const) : 'onsite',
      provider: third
        ? { kind: 'third_party', name: rng.pick(PROVIDERS), uscc: null }
        : { kind: 'insurer', name: INSURER_NAMES[p.insurer], uscc: null },
      staff: Array.from({ length: rng.int(1, 3) }, () => ({
        name: personName(rng),
        certificateNo: p.insurer !== 'DADI' && rng.chance(0.6) ? `AQ${rng.digits(8)}` : null,
      })),
      startedAt: dt(startedMs),
      endedAt: dt(endedMs),
      location: toSimplified(`${e.county.cityName}${e.county.name}${e.name.slice(2, 4)}厂区`),
      summary: SUMMARIES[item],
      hazardsFound: hazards,
      costFen: rng.chance(0.7) ? rng.int(500, 20000) * 100 : null,
      revisit: null,
    };
    const when: When = 'day' in at ? { tick: null, ms: endedMs + rng.int(60, 180) * MINUTE } : { tick: at.tick };
    this.deliver('service', record, when);
    return { record, startedMs, endedMs, when };
  }

  /** A later version of a service (amended or revoked) on a later day before today. */
  serviceVersion(s: ServiceRecord, action: 'amended' | 'revoked', day: number): void {
    this.deliver(
      'service',
      { ...s, action, version: s.version + 1, summary: `${s.summary ?? ''}(更正)` },
      { tick: null, ms: this.workTime(day) },
    );
  }

  /**
   * A hazard found during a service, delivered `when` (default an hour or two after it was found). Its later
   * versions (rectifying, rectified) are added by the caller.
   */
  hazard(
    e: Ent,
    svc: { record: ServiceRecord; startedMs: number; endedMs: number },
    level: 'general' | 'major',
    rectifyBy: number | null,
    when?: When,
  ): HazardRecord {
    const rng = this.rng;
    const foundMs = Math.floor((svc.startedMs + rng.int(0, svc.endedMs - svc.startedMs)) / 1000) * 1000;
    const [category, description] = rng.pick(level === 'major' ? MAJOR_HAZARDS : HAZARDS);
    const hazard: HazardRecord = {
      hazardId: this.id(svc.record.insurer, 'YH', e.regionCode),
      insurer: svc.record.insurer,
      action: 'reported',
      version: 1,
      serviceId: svc.record.serviceId,
      policyNo: svc.record.policyNo,
      enterprise: this.enterpriseOf(e),
      level,
      category,
      description,
      discoveredAt: dt(foundMs),
      rectifyBy: rectifyBy === null ? null : dateOfDay(rectifyBy),
      status: 'open',
      rectifiedAt: null,
    };
    this.deliver('hazard', hazard, when ?? { tick: null, ms: foundMs + rng.int(30, 120) * MINUTE });
    return hazard;
  }

  hazardVersion(h: HazardRecord, status: 'rectifying' | 'rectified', when: When): HazardRecord {
    const ms = this.msOf(when);
    const next: HazardRecord = {
      ...h,
      version: h.version + 1,
      action: status === 'rectified' ? 'rectified' : 'updated',
      status,
      rectifiedAt: status === 'rectified' ? dt(ms - this.rng.int(30, 90) * MINUTE) : null,
    };
    this.deliver('hazard', next, when);
    return next;
  }

  /**
   * General hazards of a service before today that break no rule: rectified by their deadline when it has passed,
   * else open, rectifying or rectified already.
   */
  cleanHazards(e: Ent, svc: { record: ServiceRecord; startedMs: number; endedMs: number }, count: number): void {
    const rng = this.rng;
    const found = beijingDayOf(svc.startedMs);
    for (let i = 0; i < count; i++) {
      const by = found + rng.int(10, 60);
      let h = this.hazard(e, svc, 'general', by);
      const fixDay = found + rng.int(2, by - found);
      if (fixDay < this.T) {
        if (fixDay - found >= 3 && rng.chance(0.5))
          h = this.hazardVersion(h, 'rectifying', { tick: null, ms: this.workTime(found + 1) });
        this.hazardVersion(h, 'rectified', { tick: null, ms: this.workTime(fixDay) });
      } else if (found + 1 < this.T && rng.chance(0.5)) {
        this.hazardVersion(h, 'rectifying', { tick: null, ms: this.workTime(found + 1) });
      }
    }
  }

  /**
   * The services of a policy term before today: an ended term gets training and risk diagnosis (济宁 七(十)) unless
   * `skip` names them; a running one what has been done so far. `days` are the term's days before today, as
   * offsets the caller fixed (so another `today` shifts them with the rest).
   */
  termServices(
    e: Ent,
    p: PolicyRecord,
    days: { from: number; to: number },
    ended: boolean,
    skip: readonly ServiceItem[] = [],
  ) {
    const rng = this.rng;
    const span = days.to - days.from;
    if (span < 3) return;
    const items: ServiceItem[] = [];
    for (const item of ['training', 'risk_assessment'] as const)
      if (!skip.includes(item) && (ended || (span > 45 && rng.chance(0.75)))) items.push(item);
    if (span > 30 && rng.chance(0.35)) items.push(rng.pick(OTHER_ITEMS));
    for (const item of items) {
      const hazards = item === 'risk_assessment' || item === 'hazard_inspection' ? rng.pick([0, 0, 1, 1, 2]) : 0;
      const day = days.from + rng.int(1, span - 1);
      const svc = this.service(e, p, item, { day }, hazards);
      // Now and then the record is corrected a few days later (an amendment changes nothing the rules read).
      if (day + 5 < this.T && rng.chance(0.05)) this.serviceVersion(svc.record, 'amended', day + rng.int(2, 5));
      this.cleanHazards(e, svc, hazards);
    }
  }

  // ── accidents and claims ───────────────────────────────────────────────────────────────────────────────────

  /**
   * An accident of the enterprise on `day` (before today) under policy `p`, graded as its casualties require and
   * reported to the authority within the hour unless told otherwise, with a claim that keeps the deadlines unless
   * told otherwise (its steps up to what has happened before today).
   */
  accident(
    e: Ent,
    p: PolicyRecord,
    day: number,
    o: {
      casualties?: { deaths: number; serious: number; lossYuan: number };
      grade?: AccidentGrade;
      reportMinutes?: number | null;
      claim?: 'none' | 'clean' | ClaimPlan;
    } = {},
  ): { accident: AccidentRecord; claim: ClaimRecord | null } {
    const rng = this.rng;
    const occurredMs = instant(day, rng.int(7 * 60, 19 * 60)) + rng.int(0, 59) * 1000;
    const cas = o.casualties ?? {
      deaths: rng.chance(0.2) ? 1 : 0,
      serious: rng.int(0, 4),
      lossYuan: rng.int(30_000, 3_000_000),
    };
    const lossFen = cas.lossYuan * 100;
    const grade = o.grade ?? requiredGrade(cas.deaths, cas.serious, lossFen);
    const category = rng.chance(0.8) ? rng.pick(TYPICAL_ACCIDENTS[e.sector]) : rng.pick(ACCIDENT_CATEGORIES);
    const report = o.reportMinutes === undefined ? rng.int(8, 50) : o.reportMinutes;
    const accident: AccidentRecord = {
      accidentId: this.id(p.insurer, 'SG', e.regionCode),
      insurer: p.insurer,
      action: 'reported',
      version: 1,
      policyNo: p.policyNo,
      enterprise: this.enterpriseOf(e),
      occurredAt: dt(occurredMs),
      location: `${e.name.slice(0, 2)}${rng.pick(['生产车间', '施工现场', '装卸区', '仓库', '厂区道路'])}`,
      category,
      grade,
      deaths: cas.deaths,
      seriousInjuries: cas.serious,
      minorInjuries: rng.int(0, 6),
      directLossFen: lossFen,
      description: ACCIDENT_DESCRIPTIONS[category],
      status: 'open',
      reportedToAuthorityAt: report === null ? null : dt(occurredMs + report * MINUTE),
    };
    e.accidents.push({ grade, day });
    // The insurer learns of it within hours (after the report to the authority, when there was one).
    const known = occurredMs + (Math.max(report ?? 0, rng.int(60, 180)) + rng.int(30, 90)) * MINUTE;
    this.deliver('accident', accident, { tick: null, ms: known });
    const closeDay = day + rng.int(20, 60);
    if (closeDay < this.T && rng.chance(0.7))
      this.deliver(
        'accident',
        { ...accident, action: 'closed', status: 'closed', version: 2 },
        { tick: null, ms: this.workTime(closeDay) },
      );
    const plan = o.claim ?? (rng.chance(0.7) ? 'clean' : 'none');
    const claim = plan === 'none' ? null : this.claim(e, p, accident, occurredMs, plan);
    return { accident, claim };
  }

  /**
   * The claim on an accident, each step a version, up to what has happened before today: none when it was not filed
   * before today. A clean claim keeps the deadlines of 保险法第二十三条 (decided within 30 days of complete
   * documents, paid within 10 of the agreement); the other plans break one.
   */
  private claim(
    e: Ent,
    p: PolicyRecord,
    a: AccidentRecord,
    occurredMs: number,
    plan: 'clean' | ClaimPlan,
  ): ClaimRecord | null {
    const rng = this.rng;
    const T = this.T;
    const filedMs = Math.floor((occurredMs + rng.int(4 * 60, 48 * 60) * MINUTE) / 1000) * 1000;
    const filedDelivery = filedMs + rng.int(1, 4) * HOUR;
    if (filedDelivery >= this.midnight) return null;
    const victims = a.deaths + a.seriousInjuries + a.minorInjuries || 1;
    const claimedFen = victims * rng.int(30_000, 400_000) * 100;
    const agreedFen = Math.round((claimedFen * rng.int(50, 100)) / 100 / 100) * 100;
    let claim: ClaimRecord = {
      claimNo: this.id(p.insurer, 'PA', e.regionCode),
      insurer: p.insurer,
      action: 'filed',
      version: 1,
      policyNo: p.policyNo,
      accidentId: a.accidentId,
      enterprise: this.enterpriseOf(e),
      filedAt: dt(filedMs),
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
    const office = (day: number) => instant(day, rng.int(9 * 60, 17 * 60));
    const steps: { ms: number; changes: Partial<ClaimRecord> }[] = [];
    const decide = (docsMs: number, decidedMs: number, reject: boolean) => {
      steps.push({ ms: docsMs, changes: { documentsCompleteAt: dt(docsMs) } });
      steps.push({
        ms: decidedMs,
        changes: reject
          ? { action: 'rejected', decidedAt: dt(decidedMs), decision: 'reject' }
          : { action: 'assessed', decidedAt: dt(decidedMs), decision: 'accept' },
      });
    };
    const agree = (agreedMs: number) =>
      steps.push({ ms: agreedMs, changes: { action: 'agreed', agreedAt: dt(agreedMs), agreedFen } });
    const pay = (paidMs: number) =>
      steps.push({ ms: paidMs, changes: { action: 'paid', paidAt: dt(paidMs), paidFen: agreedFen } });
    if (plan === 'clean') {
      const docsMs = filedMs + rng.int(2, 15) * DAY;
      const decidedMs = docsMs + rng.int(3, 25) * DAY;
      const reject = rng.chance(0.1);
      decide(docsMs, decidedMs, reject);
      if (!reject) {
        const agreedMs = decidedMs + rng.int(1, 10) * DAY;
        agree(agreedMs);
        pay(agreedMs + rng.int(1, 8) * DAY);
      }
    } else if (plan === 'decisionLate' || plan === 'undecidedLate') {
      const docsMs = office(plan === 'decisionLate' ? T - rng.int(70, 110) : T - rng.int(35, 60));
      if (plan === 'undecidedLate') steps.push({ ms: docsMs, changes: { documentsCompleteAt: dt(docsMs) } });
      else {
        const decidedMs = docsMs + rng.int(35, 50) * DAY;
        decide(docsMs, decidedMs, false);
        const agreedMs = decidedMs + rng.int(1, 8) * DAY;
        agree(agreedMs);
        pay(agreedMs + rng.int(1, 8) * DAY);
      }
    } else {
      const agreedMs = office(plan === 'paymentLate' ? T - rng.int(45, 90) : T - rng.int(14, 25));
      const decidedMs = agreedMs - rng.int(2, 8) * DAY;
      decide(decidedMs - rng.int(5, 20) * DAY, decidedMs, false);
      agree(agreedMs);
      if (plan === 'paymentLate') pay(agreedMs + rng.int(13, 25) * DAY);
    }
    this.deliver('claim', claim, { tick: null, ms: filedDelivery });
    // A claim is reported when its state changes: complete documents come with the next step (or alone, when the
    // next step has not happened by today).
    let pending: Partial<ClaimRecord> = {};
    for (const step of steps) {
      if (!step.changes.action) {
        if (step.ms >= this.midnight - HOUR) break;
        pending = step.changes;
        continue;
      }
      const delivery = step.ms + rng.int(1, 3) * HOUR;
      if (delivery >= this.midnight) break;
      claim = { ...claim, ...pending, ...step.changes, version: claim.version + 1 };
      this.deliver('claim', claim, { tick: null, ms: delivery });
      pending = {};
    }
    if (pending.documentsCompleteAt) {
      claim = { ...claim, ...pending, version: claim.version + 1 };
      this.deliver('claim', claim, { tick: null, ms: Date.parse(pending.documentsCompleteAt) + 30 * MINUTE });
    }
    return claim;
  }
}

/** Claims that break a deadline of 保险法第二十三条. */
type ClaimPlan = 'decisionLate' | 'undecidedLate' | 'paymentLate' | 'unpaidLate';

/** The region's counties of the scenario, in code order. */
function countiesOf(city: ScenarioCity): County[] {
  return COUNTIES.filter((c) => c.code.startsWith(city) && COUNTY_SECTORS[c.code]).sort((a, b) =>
    a.code < b.code ? -1 : 1,
  );
}

function weighted<T>(rng: Random, items: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let r = rng.next() * total;
  for (const [item, w] of items) if ((r -= w) < 0) return item;
  return items[items.length - 1][0];
}

/** Profiles that need an enterprise of a particular kind. */
function eligible(b: ScenarioBuilder, e: Ent, profile: ScenarioProfile): boolean {
  switch (profile) {
    case 'outOfTerritory':
    case 'newBusinessOutOfTerritoryLive':
      return b.outsideInsurers(e).length > 0;
    case 'renewalInsurerChanged':
    case 'renewalDueChangesInsurerLive':
    case 'renewedWithOtherInsurer':
      return b.allowedInsurers(e).length >= 2;
    default:
      return true;
  }
}

/** Profiles placed first: they need particular enterprises. */
const CONSTRAINED: readonly ScenarioProfile[] = [
  'outOfTerritory',
  'newBusinessOutOfTerritoryLive',
  'renewalInsurerChanged',
  'renewalDueChangesInsurerLive',
  'renewedWithOtherInsurer',
];

/** The parts that (also) happen today, in a tick. */
const LIVE: ReadonlySet<ScenarioProfile> = new Set([
  'uninsuredInsuresLive',
  'lapsedInsuresLive',
  'renewalDueRenewedLive',
  'renewalDueChangesInsurerLive',
  'headcountReducedLive',
  'hazardRectifiedLive',
  'accidentUnreportedLive',
  'claimPaidLateLive',
  'newBusinessLive',
  'newBusinessOutOfTerritoryLive',
]);

/** The minimum count of each profile in a city (the shares give more in larger scenarios). */
function profileCounts(city: ScenarioCity, n: number): Map<ScenarioProfile, number> {
  const counts = new Map<ScenarioProfile, number>();
  for (const [profile, share] of Object.entries(PROFILE_SHARES[city]) as [ScenarioProfile, number][])
    counts.set(profile, Math.max(1, Math.round(share * n)));
  return counts;
}

const MIN_PER_COUNTY = 8;
/** Planned ticks end before the extra ticks start (20:00). */
const MAX_TICKS = (EXTRA_TICK_START_MINUTES - TICK_START_MINUTES) / TICK_MINUTES;

/**
 * The supervision scenario: a register of 济宁 and 杭州, the history of what the four insurers delivered about it and
 * today's activity in ticks, with the violations it plants (see docs/supervision.md "The demo's scenario").
 */
export function supervisionScenario(options: SupervisionScenarioOptions): SupervisionScenario {
  const perCounty = options.enterprisesPerCounty ?? 16;
  if (!Number.isInteger(perCounty) || perCounty < MIN_PER_COUNTY)
    throw new Error(`enterprisesPerCounty must be an integer ≥ ${MIN_PER_COUNTY}, got ${perCounty}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.today) || dateOfDay(dayOfDate(options.today)) !== options.today)
    throw new Error(`today must be a date YYYY-MM-DD, got ${JSON.stringify(options.today)}`);
  const regions = [...new Set(options.regions ?? SCENARIO_CITIES)];
  for (const r of regions)
    if (!(SCENARIO_CITIES as readonly string[]).includes(r))
      throw new Error(`the scenario holds the cities ${SCENARIO_CITIES.join(', ')}, not ${r}`);
  const tickCount = options.ticks ?? 24;
  if (!Number.isInteger(tickCount) || tickCount < 1 || tickCount > MAX_TICKS)
    throw new Error(`ticks must be an integer 1–${MAX_TICKS} (10:00–20:00 today), got ${tickCount}`);

  const root = new Random(options.seed);
  const serialRng = root.fork('serials');
  const serialBase = new Map<string, number>();
  const T = dayOfDate(options.today);
  const b = new ScenarioBuilder(
    root.fork('records'),
    options.today,
    (key) => {
      let base = serialBase.get(key);
      if (base === undefined) serialBase.set(key, (base = serialRng.int(100_000, 400_000)));
      return base;
    },
    (tick) => instant(T, TICK_START_MINUTES + tick * TICK_MINUTES),
  );

  // Enterprises by county, then the part each plays.
  const ents: Ent[] = [];
  const assignRng = root.fork('profiles');
  for (const city of SCENARIO_CITIES) {
    if (!regions.includes(city)) continue;
    const cityEnts: Ent[] = [];
    for (const county of countiesOf(city))
      for (let i = 0; i < perCounty; i++)
        cityEnts.push(b.enterprise(county, city, weighted(b.rng, COUNTY_SECTORS[county.code])));
    const counts = profileCounts(city, cityEnts.length);
    const free = [...cityEnts];
    const order = [...counts.keys()].sort((x, y) => Number(CONSTRAINED.includes(y)) - Number(CONSTRAINED.includes(x)));
    for (const profile of order)
      for (let k = 0; k < counts.get(profile)!; k++) {
        const candidates = free.filter((e) => eligible(b, e, profile));
        if (!candidates.length) throw new Error(`no enterprise of ${city} can play ${profile}`);
        const e = assignRng.pick(candidates);
        free.splice(free.indexOf(e), 1);
        e.profile = profile;
      }
    ents.push(...cityEnts);
  }
  for (const e of ents) playProfile(b, e, T);

  // Today: the live parts spread over the ticks in a random order, and two routine services in every tick.
  const liveRng = root.fork('live');
  const live = ents.filter((e) => LIVE.has(e.profile));
  for (let i = live.length - 1; i > 0; i--) {
    const j = liveRng.int(0, i);
    [live[i], live[j]] = [live[j], live[i]];
  }
  live.forEach((e, i) => playLive(b, e, e.profile, Math.floor((i * tickCount) / live.length)));
  const routine = ents.filter((e) => e.profile === 'clean');
  for (let tick = 0; tick < tickCount; tick++)
    for (let k = 0; k < 2 && routine.length; k++) routineService(b, liveRng.pick(routine), tick);

  const register: RegisterLine[] = ents
    .filter((e) => e.registered)
    .map((e) => ({
      uscc: e.uscc,
      name: e.name,
      regionCode: e.regionCode,
      sector: e.sector,
      industryCode: e.industryCode,
      employeeCount: e.registerEmployees === undefined ? e.employees : e.registerEmployees,
      address: e.address,
      note: null,
      alternative: e.alternative,
    }))
    .sort((x, y) => compare(x.regionCode, y.regionCode) || compare(x.uscc, y.uscc));
  return {
    seed: options.seed,
    today: options.today,
    regions,
    enterprises: ents.map((e) => ({
      uscc: e.uscc,
      name: e.name,
      regionCode: e.regionCode,
      sector: e.sector,
      profile: e.profile,
      registered: e.registered,
    })),
    register,
    history: [...b.history].sort((x, y) => compare(x.time, y.time)),
    ticks: Array.from({ length: tickCount }, (_, t) => b.ticks.get(t) ?? []),
    planted: sortPlanted(b.planted),
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sortPlanted(p: readonly PlantedViolation[]): PlantedViolation[] {
  return [...p].sort((x, y) => compare(x.rule, y.rule) || compare(x.key, y.key));
}

const keyOf = (p: { insurer: string }, id: string): string => `${p.insurer}/${id}`;

// ── the parts ──────────────────────────────────────────────────────────────────────────────────────────────────

interface InsureOptions {
  insurer?: string;
  /** Days before today the current policy started (default 0–330: in force, more than 30 days left). */
  startedDaysAgo?: number;
  /** The current policy's end instead (it starts a year before). */
  end?: number;
  /** Whether the current policy renews a predecessor (default 70 %). */
  predecessor?: boolean;
  predInsurer?: string;
  /** Required services the predecessor's insurer did not provide. */
  predSkip?: readonly ServiceItem[];
  /** A training of the predecessor's term recorded, then revoked. */
  predRevokedTraining?: boolean;
  /** A (clean) accident during the predecessor's term (default 10 %). */
  predAccident?: boolean;
  current?: PolicyOptions;
  /** A (clean) accident during the current term (default 6 %). */
  currentAccident?: boolean;
  /** Endorsements of the current policy that keep it clean (default 20 %). */
  endorsements?: boolean;
  /** The last day of the current term with services (default yesterday, or shortly before an ended term's end). */
  activityUntil?: number;
}

interface Insured {
  pred: PolicyRecord | null;
  cur: PolicyRecord;
  start: number;
  end: number;
}

/** Latest policy and claim versions of enterprises, for their live parts. */
const played = new WeakMap<Ent, { insured?: Insured; claim?: ClaimRecord; hazard?: HazardRecord }>();

/**
 * Insures `e` as a clean enterprise does (a year's policy, usually renewing last year's by the same insurer; the
 * required services in every ended year; rate, fee and headcount as the rules require), except where told.
 */
function insure(b: ScenarioBuilder, e: Ent, o: InsureOptions = {}): Insured {
  const rng = b.rng;
  const T = b.T;
  let start: number;
  let end: number;
  if (o.end !== undefined) {
    end = o.end;
    start = addYears(end + 1, -1);
  } else {
    start = T - (o.startedDaysAgo ?? rng.int(0, 330));
    end = addYears(start, 1) - 1;
  }
  const insurer = o.insurer ?? b.pickInsurer(e);
  let pred: PolicyRecord | null = null;
  if (o.predecessor ?? rng.chance(0.7)) {
    pred = b.policy(e, o.predInsurer ?? insurer, addYears(start, -1), {
      end: start - 1,
      action: rng.chance(0.6) ? 'renewed' : 'issued',
    });
    // Offsets from the current start: inside last year's term whatever its calendar length.
    b.termServices(e, pred, { from: start - 360, to: start - 5 }, true, o.predSkip);
    if (o.predRevokedTraining) {
      const day = start - rng.int(60, 300);
      const svc = b.service(e, pred, 'training', { day });
      b.serviceVersion(svc.record, 'revoked', day + rng.int(3, 20));
    }
    if (o.predAccident ?? rng.chance(0.1)) b.accident(e, pred, start - rng.int(30, 330));
  }
  let cur = b.policy(e, insurer, start, { end, action: pred ? 'renewed' : 'issued', ...o.current });
  // The days of the term that have passed, as offsets fixed from today (so another today shifts them alike).
  const ended = o.end !== undefined && o.end < T;
  const from = o.end !== undefined ? end - 355 : start;
  const last = Math.min(o.activityUntil ?? T - 1, ended ? end - 5 : T - 1);
  const span = last - from;
  if ((o.endorsements ?? true) && span > 20 && rng.chance(0.2)) {
    // 加人批改 mostly; now and then staff left and the headcount follows (no finding: nobody is missing).
    const k = Math.max(1, Math.round(e.employees * rng.int(3, 15) * 0.01));
    e.employees += rng.chance(0.8) ? k : -k;
    cur = b.policyVersion(
      cur,
      {
        action: 'endorsed',
        enterprise: { ...cur.enterprise, employeeCount: e.employees },
        coverage: { ...cur.coverage, insuredHeadcount: e.employees },
      },
      { tick: null, ms: b.workTime(from + rng.int(1, span - 1)) },
    );
  }
  b.termServices(e, cur, { from, to: last }, ended);
  if ((o.currentAccident ?? rng.chance(0.06)) && span > 10) b.accident(e, cur, from + rng.int(1, span - 1));
  const insured = { pred, cur, start, end };
  played.set(e, { ...played.get(e), insured });
  return insured;
}

const policyKey = (p: PolicyRecord): string => keyOf(p, p.policyNo);

/** Plays the history of an enterprise's part and plants what it breaks. */
function playProfile(b: ScenarioBuilder, e: Ent, T: number): void {
  const rng = b.rng;
  switch (e.profile) {
    case 'clean':
      insure(b, e);
      return;
    case 'unregistered':
      e.registered = false;
      insure(b, e);
      return;
    case 'renewedWithOtherInsurer': {
      // Another insurer takes over at renewal: a finding in 济宁 only (七(八)), none here.
      const insurer = b.pickInsurer(e);
      insure(b, e, { predecessor: true, predInsurer: b.pickInsurer(e, insurer), insurer });
      return;
    }
    case 'rateBelowFloorOutsideJining':
      insure(b, e, {
        current: {
          factors: {
            standardization: 'level1',
            safetyCulture: 'province',
            advancedUnit: 'city',
            priorYearAccident: 'none',
          },
          adjustmentPct: -35,
        },
        predAccident: false,
      });
      return;
    case 'uninsured':
    case 'uninsuredInsuresLive':
      b.plant('UNINSURED', e.uscc, 'registered, never insured', null, null);
      return;
    case 'riskDeposit':
      e.alternative = 'risk_deposit';
      return;
    case 'riskDepositAfterPolicy': {
      // Chose the risk deposit when its policy ended: no LAPSED.
      e.alternative = 'risk_deposit';
      insure(b, e, { end: T - rng.int(30, 90), predecessor: false, currentAccident: false, endorsements: false });
      return;
    }
    case 'lapsed':
    case 'lapsedInsuresLive': {
      const { cur } = insure(b, e, { end: T - rng.int(8, 60), currentAccident: false });
      b.plant('LAPSED', e.uscc, `policy ${cur.policyNo} ended ${cur.coverage.end} without renewal`);
      return;
    }
    case 'surrendered': {
      const cancelled = T - rng.int(5, 40);
      const { cur } = insure(b, e, {
        startedDaysAgo: rng.int(120, 300),
        currentAccident: false,
        endorsements: false,
        activityUntil: cancelled - 1,
      });
      b.policyVersion(
        cur,
        { action: 'cancelled', cancelledOn: dateOfDay(cancelled) },
        { tick: null, ms: b.workTime(cancelled) },
      );
      b.plant('SURRENDERED', e.uscc, `policy ${cur.policyNo} cancelled on ${dateOfDay(cancelled)} before its end`);
      return;
    }
    case 'renewalDue':
    case 'renewalDueRenewedLive':
    case 'renewalDueChangesInsurerLive': {
      const { cur } = insure(b, e, { end: T + rng.int(3, 25) });
      b.plant('RENEWAL_DUE', policyKey(cur), `ends ${cur.coverage.end} (within 30 days) without a successor`);
      return;
    }
    case 'partialHeadcount': {
      const missing = Math.max(1, Math.round((e.employees * rng.int(5, 30)) / 100));
      const { cur } = insure(b, e, { current: { insured: e.employees - missing }, endorsements: false });
      b.plant('PARTIAL_HEADCOUNT', policyKey(cur), `insures ${e.employees - missing} of ${e.employees} employees`);
      return;
    }
    case 'partialByRegister': {
      const { cur } = insure(b, e, { endorsements: false });
      e.registerEmployees = e.employees + Math.max(1, Math.round((e.employees * rng.int(10, 40)) / 100));
      b.plant(
        'PARTIAL_HEADCOUNT',
        policyKey(cur),
        `insures ${e.employees} while the register lists ${e.registerEmployees} employees`,
      );
      return;
    }
    case 'headcountReduced':
    case 'headcountReducedLive': {
      const { cur } = insure(b, e, { startedDaysAgo: rng.int(40, 330), endorsements: false });
      if (e.profile === 'headcountReduced') {
        const after = reduceHeadcount(b, cur, { tick: null, ms: b.workTime(T - rng.int(1, 30)) });
        plantReduction(b, e, cur, after, null);
      }
      return;
    }
    case 'rateBelowFloor': {
      const { cur } = insure(b, e, {
        current: {
          factors: {
            standardization: 'level1',
            safetyCulture: 'province',
            advancedUnit: 'city',
            priorYearAccident: 'none',
          },
          adjustmentPct: rng.pick([-35, -40]),
        },
        predAccident: false,
      });
      b.plant('RATE_BELOW_FLOOR', policyKey(cur), `adjustment ${cur.premium.adjustmentPct}% below the floor −30%`);
      b.plant(
        'RATE_MISMATCH',
        policyKey(cur),
        `adjustment ${cur.premium.adjustmentPct}% where the factors give −30% (capped)`,
      );
      return;
    }
    case 'rateBelowFloorNoFactors': {
      const { cur } = insure(b, e, {
        current: {
          factors: { standardization: null, safetyCulture: null, advancedUnit: null, priorYearAccident: null },
          adjustmentPct: -40,
        },
      });
      b.plant('RATE_BELOW_FLOOR', policyKey(cur), 'adjustment −40% below the floor −30%');
      b.plant('RATE_UNVERIFIABLE', policyKey(cur), 'no rate factor reported');
      return;
    }
    case 'rateMismatch': {
      // No accident before: the expected adjustment is that of the enterprise's factors with priorYearAccident none.
      const expected = b.expectedRate({ ...e.factors, priorYearAccident: 'none' })!;
      const delta = rng.pick([-5, -10, 5]);
      const reported = expected + delta < b.facts.floor ? expected + 5 : expected + delta;
      const { cur } = insure(b, e, { predAccident: false, current: { adjustmentPct: reported } });
      b.plant('RATE_MISMATCH', policyKey(cur), `adjustment ${reported}% where the factors give ${expected}%`);
      return;
    }
    case 'rateUnverifiable': {
      const variant = b.variant('rateUnverifiable', 3);
      const { cur } = insure(b, e, {
        current:
          variant === 0
            ? { adjustmentPct: null }
            : variant === 1
              ? { factors: { safetyCulture: null }, adjustmentPct: -10 }
              : {
                  factors: { standardization: null, safetyCulture: null, advancedUnit: null, priorYearAccident: null },
                  adjustmentPct: -10,
                },
      });
      const missing =
        variant === 0 ? 'the adjustment' : variant === 1 ? 'the safety-culture factor' : 'every rate factor';
      b.plant('RATE_UNVERIFIABLE', policyKey(cur), `${missing} not reported`);
      return;
    }
    case 'feeUnderAccrued': {
      const fee = rng.chance(0.5) ? 'null' : 'short';
      const { cur } = insure(b, e, { current: { fee } });
      b.plant(
        'FEE_UNDER_ACCRUED',
        policyKey(cur),
        fee === 'null' ? 'no prevention fee reported' : 'prevention fee 3% of the premium, 5% required',
      );
      return;
    }
    case 'serviceMissing': {
      const variant = b.variant('serviceMissing', 3);
      const { pred } = insure(b, e, {
        predecessor: true,
        predSkip: variant === 2 ? ['training', 'risk_assessment'] : ['training'],
        predRevokedTraining: variant === 1,
      });
      b.plant(
        'SERVICE_MISSING',
        policyKey(pred!),
        variant === 0
          ? 'last year without training'
          : variant === 1
            ? 'last year’s only training revoked'
            : 'last year without training nor risk diagnosis',
      );
      return;
    }
    case 'outOfTerritory': {
      const insurer = rng.pick(b.outsideInsurers(e));
      const { cur } = insure(b, e, { insurer, predecessor: false });
      b.plant('OUT_OF_TERRITORY', policyKey(cur), `${insurer} may not insure ${e.sector} in ${e.regionCode} (济宁 三)`);
      return;
    }
    case 'renewalInsurerChanged': {
      const insurer = b.pickInsurer(e);
      const { cur, pred } = insure(b, e, { predecessor: true, predInsurer: b.pickInsurer(e, insurer), insurer });
      b.plant(
        'RENEWAL_INSURER_CHANGED',
        policyKey(cur),
        `${insurer} renewed ${pred!.insurer}'s policy ${pred!.policyNo}`,
      );
      return;
    }
    case 'accidentFactorUnderstated': {
      const { cur } = insure(b, e, {
        predecessor: true,
        predAccident: true,
        current: { factors: { priorYearAccident: 'none' } },
      });
      b.plant(
        'ACCIDENT_FACTOR_UNDERSTATED',
        policyKey(cur),
        'declares no accident the year before though one was reported',
      );
      return;
    }
    case 'hazardOverdue':
    case 'hazardRectifiedLive': {
      const { cur } = insure(b, e, { startedDaysAgo: rng.int(90, 330) });
      const day = T - rng.int(45, 80);
      const svc = b.service(e, cur, 'hazard_inspection', { day }, 1);
      let h = b.hazard(e, svc, 'general', T - rng.int(3, 40));
      if (rng.chance(0.5)) h = b.hazardVersion(h, 'rectifying', { tick: null, ms: b.workTime(day + rng.int(2, 10)) });
      played.set(e, { ...played.get(e), hazard: h });
      b.plant('HAZARD_OVERDUE', keyOf(h, h.hazardId), `not rectified by ${h.rectifyBy}`, null, null);
      return;
    }
    case 'hazardReportedLate': {
      const { cur } = insure(b, e, { startedDaysAgo: rng.int(90, 330) });
      const svc = b.service(e, cur, 'risk_assessment', { day: T - rng.int(6, 60) }, 1);
      const found = svc.startedMs;
      const delay = rng.int(30, 96) * HOUR + rng.int(0, 3599) * 1000;
      const h = b.hazard(e, svc, 'major', T + rng.int(5, 30), { tick: null, ms: found + delay });
      b.plant(
        'HAZARD_REPORTED_LATE',
        keyOf(h, h.hazardId),
        'major hazard reported more than 24 hours after its discovery',
      );
      return;
    }
    case 'accidentReportedLate': {
      const { cur } = insure(b, e, { startedDaysAgo: rng.int(160, 330), currentAccident: false });
      const { accident } = b.accident(e, cur, T - rng.int(10, 150), {
        reportMinutes: rng.chance(0.7) ? rng.int(90, 600) : null,
      });
      b.plant(
        'ACCIDENT_REPORTED_LATE',
        keyOf(accident, accident.accidentId),
        accident.reportedToAuthorityAt === null
          ? 'never reported to the authority'
          : 'reported to the authority after more than an hour',
      );
      return;
    }
    case 'accidentUnreportedLive':
      insure(b, e, { currentAccident: false });
      return;
    case 'gradeMismatch': {
      const { cur } = insure(b, e, { startedDaysAgo: rng.int(160, 330), currentAccident: false });
      const casualties = rng.chance(0.5)
        ? { deaths: 3, serious: rng.int(0, 3), lossYuan: rng.int(500_000, 5_000_000) }
        : { deaths: 0, serious: rng.int(10, 20), lossYuan: rng.int(500_000, 5_000_000) };
      const { accident } = b.accident(e, cur, T - rng.int(20, 150), { casualties, grade: 'general' });
      b.plant(
        'GRADE_MISMATCH',
        keyOf(accident, accident.accidentId),
        'reported as general, its casualties make it larger',
      );
      return;
    }
    case 'claimDecisionLate': {
      const { cur } = insure(b, e, { startedDaysAgo: rng.int(180, 330), currentAccident: false });
      const undecided = rng.chance(0.5);
      const { claim } = b.accident(e, cur, T - (undecided ? rng.int(65, 100) : rng.int(115, 160)), {
        claim: undecided ? 'undecidedLate' : 'decisionLate',
      });
      b.plant(
        'CLAIM_DECISION_LATE',
        keyOf(claim!, claim!.claimNo),
        undecided
          ? 'documents complete for more than 30 days, no decision'
          : 'decided more than 30 days after the documents were complete',
      );
      return;
    }
    case 'claimPaymentLate':
    case 'claimPaidLateLive': {
      const { cur } = insure(b, e, { startedDaysAgo: rng.int(180, 330), currentAccident: false });
      const paidLate = e.profile === 'claimPaymentLate';
      const { claim } = b.accident(e, cur, T - (paidLate ? rng.int(125, 170) : rng.int(60, 100)), {
        claim: paidLate ? 'paymentLate' : 'unpaidLate',
      });
      played.set(e, { ...played.get(e), claim: claim! });
      b.plant(
        'CLAIM_PAYMENT_LATE',
        keyOf(claim!, claim!.claimNo),
        paidLate
          ? 'paid more than 10 days after the agreement'
          : 'agreed more than 10 days ago, not paid (paid late today)',
      );
      return;
    }
    case 'newBusinessLive':
    case 'newBusinessOutOfTerritoryLive':
      e.registered = false;
      return;
  }
}

/** An endorsement that insures fewer people than before while the employees stay (擅自减少参保人数). */
function reduceHeadcount(b: ScenarioBuilder, p: PolicyRecord, when: When): PolicyRecord {
  const before = p.coverage.insuredHeadcount;
  const after = before - Math.max(1, Math.round((before * b.rng.int(10, 30)) / 100));
  return b.policyVersion(p, { action: 'endorsed', coverage: { ...p.coverage, insuredHeadcount: after } }, when);
}

function plantReduction(b: ScenarioBuilder, e: Ent, before: PolicyRecord, after: PolicyRecord, tick: number | null) {
  const why = `endorsement cuts the insured from ${before.coverage.insuredHeadcount} to ${after.coverage.insuredHeadcount} of ${e.employees} employees`;
  if (b.inJurisdiction(e)) b.plant('HEADCOUNT_REDUCED', policyKey(after), why, tick);
  b.plant('PARTIAL_HEADCOUNT', policyKey(after), why, tick);
}

/** Plays today's part of an enterprise in `tick`. */
function playLive(b: ScenarioBuilder, e: Ent, profile: ScenarioProfile, tick: number): void {
  const rng = b.rng;
  const T = b.T;
  const at: When = { tick };
  const state = played.get(e);
  switch (profile) {
    case 'uninsuredInsuresLive': {
      // First policy, starting within the week: UNINSURED resolves; the enterprise is pending until it starts.
      b.policy(e, b.pickInsurer(e), T + rng.int(1, 7), { when: at });
      resolve(b, 'UNINSURED', e.uscc, tick);
      return;
    }
    case 'lapsedInsuresLive': {
      b.policy(e, b.pickInsurer(e), T, { when: at });
      resolve(b, 'LAPSED', e.uscc, tick);
      return;
    }
    case 'renewalDueRenewedLive':
    case 'renewalDueChangesInsurerLive': {
      const cur = state!.insured!.cur;
      const other = profile === 'renewalDueChangesInsurerLive';
      const insurer = other ? b.pickInsurer(e, cur.insurer) : cur.insurer;
      const next = b.policy(e, insurer, dayOfDate(cur.coverage.end) + 1, { action: 'renewed', when: at });
      resolve(b, 'RENEWAL_DUE', policyKey(cur), tick);
      if (other && b.inJurisdiction(e))
        b.plant(
          'RENEWAL_INSURER_CHANGED',
          policyKey(next),
          `${insurer} renews ${cur.insurer}'s policy ${cur.policyNo}`,
          tick,
        );
      return;
    }
    case 'headcountReducedLive': {
      const cur = state!.insured!.cur;
      plantReduction(b, e, cur, reduceHeadcount(b, cur, at), tick);
      return;
    }
    case 'hazardRectifiedLive': {
      const h = state!.hazard!;
      b.hazardVersion(h, 'rectified', at);
      resolve(b, 'HAZARD_OVERDUE', keyOf(h, h.hazardId), tick);
      return;
    }
    case 'accidentUnreportedLive': {
      // Happened this morning; the insurer reports it, the enterprise has not told the authority (条例 第九条).
      const cur = state!.insured!.cur;
      const a = liveAccident(b, e, cur, tick);
      b.plant('ACCIDENT_REPORTED_LATE', keyOf(a, a.accidentId), 'not reported to the authority', tick);
      return;
    }
    case 'claimPaidLateLive': {
      const c = state!.claim!;
      const paidMs = b.msOf(at) - rng.int(30, 90) * MINUTE;
      b.deliver(
        'claim',
        { ...c, action: 'paid', version: c.version + 1, paidAt: dt(paidMs), paidFen: c.agreedFen },
        at,
      );
      return;
    }
    case 'newBusinessLive':
      b.policy(e, b.pickInsurer(e), T, { when: at });
      return;
    case 'newBusinessOutOfTerritoryLive': {
      const insurer = rng.pick(b.outsideInsurers(e));
      const p = b.policy(e, insurer, T, { when: at });
      b.plant(
        'OUT_OF_TERRITORY',
        policyKey(p),
        `new business of ${insurer}, not allowed for ${e.sector} in ${e.regionCode}`,
        tick,
      );
      return;
    }
    default:
      throw new Error(`scenario bug: ${profile} has no live part`);
  }
}

/** Marks a planted finding as resolved by `tick`. */
function resolve(b: ScenarioBuilder, rule: SupervisionRuleId, key: string, tick: number): void {
  const i = b.planted.findIndex((p) => p.rule === rule && p.key === key && p.until === null);
  if (i < 0) throw new Error(`scenario bug: nothing planted to resolve: ${rule} ${key}`);
  b.planted[i] = { ...b.planted[i], until: tick };
}

/** An accident this morning, delivered in `tick`, not (yet) reported to the authority. */
function liveAccident(b: ScenarioBuilder, e: Ent, p: PolicyRecord, tick: number): AccidentRecord {
  const rng = b.rng;
  const occurredMs = Math.floor((b.msOf({ tick }) - rng.int(60, 180) * MINUTE) / 1000) * 1000;
  const category = rng.pick(TYPICAL_ACCIDENTS[e.sector]);
  const accident: AccidentRecord = {
    accidentId: b.id(p.insurer, 'SG', e.regionCode),
    insurer: p.insurer,
    action: 'reported',
    version: 1,
    policyNo: p.policyNo,
    enterprise: b.enterpriseOf(e),
    occurredAt: dt(occurredMs),
    location: `${e.name.slice(0, 2)}生产车间`,
    category,
    grade: 'general',
    deaths: 0,
    seriousInjuries: rng.int(1, 3),
    minorInjuries: rng.int(0, 4),
    directLossFen: rng.int(50_000, 800_000) * 100,
    description: ACCIDENT_DESCRIPTIONS[category],
    status: 'open',
    reportedToAuthorityAt: null,
  };
  e.accidents.push({ grade: 'general', day: b.T });
  b.deliver('accident', accident, { tick });
  return accident;
}

/** A service today by the insurer of an in-force policy, sometimes with a hazard (none of them late). */
function routineService(b: ScenarioBuilder, e: Ent, tick: number): void {
  const rng = b.rng;
  const cur = played.get(e)!.insured!.cur;
  const item = rng.pick(['training', 'risk_assessment', 'hazard_inspection'] as const);
  const found = item === 'training' ? 0 : rng.chance(0.5) ? 1 : 0;
  const svc = b.service(e, cur, item, { tick }, found);
  if (found) b.hazard(e, svc, rng.chance(0.2) ? 'major' : 'general', b.T + rng.int(15, 45), { tick });
}

/** Today's activity after the planned ticks: one extra tick. */
export interface ScenarioExtraTick {
  /** Its index after the planned ticks (planned ticks + n). */
  readonly tick: number;
  readonly records: readonly ScenarioRecord[];
  readonly planted: readonly PlantedViolation[];
}

/** The violations extra ticks plant in turn (every fourth extra tick), by city. */
const EXTRA_VIOLATIONS: Readonly<Record<ScenarioCity, readonly SupervisionRuleId[]>> = {
  '3708': ['PARTIAL_HEADCOUNT', 'RATE_BELOW_FLOOR', 'FEE_UNDER_ACCRUED', 'OUT_OF_TERRITORY'],
  '3301': ['PARTIAL_HEADCOUNT'],
};

/**
 * The n-th extra tick (n ≥ 0) of today's activity, for a demo that runs on after the planned ticks: new business
 * of an enterprise not yet registered — a policy from today and its first training — every fourth one breaking a
 * rule. Deterministic for (seed, today, regions, n); its ids do not collide with the scenario's.
 */
export function scenarioExtraTick(
  s: Pick<SupervisionScenario, 'seed' | 'today' | 'regions' | 'ticks'>,
  n: number,
): ScenarioExtraTick {
  if (!Number.isInteger(n) || n < 0) throw new Error(`the extra tick must be an integer ≥ 0, got ${n}`);
  const tick = s.ticks.length + n;
  const T = dayOfDate(s.today);
  const b = new ScenarioBuilder(
    new Random(`${String(s.seed)}:extra:${n}`),
    s.today,
    () => 900_000 + n * 4,
    () => instant(T, EXTRA_TICK_START_MINUTES) + Math.min(n, 239) * MINUTE,
  );
  const city = s.regions[n % s.regions.length];
  const county = b.rng.pick(countiesOf(city));
  const e = b.enterprise(county, city, weighted(b.rng, COUNTY_SECTORS[county.code]));
  e.registered = false;
  const at: When = { tick };
  const violations = EXTRA_VIOLATIONS[city];
  let rule: SupervisionRuleId | null = n % 4 === 3 ? violations[Math.floor(n / 4) % violations.length] : null;
  if (rule === 'OUT_OF_TERRITORY' && b.outsideInsurers(e).length === 0) rule = 'PARTIAL_HEADCOUNT';
  const insurer = rule === 'OUT_OF_TERRITORY' ? b.rng.pick(b.outsideInsurers(e)) : b.pickInsurer(e);
  const options: PolicyOptions =
    rule === 'PARTIAL_HEADCOUNT'
      ? { insured: e.employees - Math.max(1, Math.round(e.employees / 5)) }
      : rule === 'RATE_BELOW_FLOOR'
        ? {
            factors: {
              standardization: 'level1',
              safetyCulture: 'national',
              advancedUnit: 'none',
              priorYearAccident: 'none',
            },
            adjustmentPct: -38,
          }
        : rule === 'FEE_UNDER_ACCRUED'
          ? { fee: 'null' }
          : {};
  const p = b.policy(e, insurer, T, { ...options, when: at });
  b.service(e, p, 'training', at);
  const key = policyKey(p);
  if (rule === 'PARTIAL_HEADCOUNT')
    b.plant(rule, key, `new business insuring ${p.coverage.insuredHeadcount} of ${e.employees}`, tick);
  if (rule === 'RATE_BELOW_FLOOR') {
    b.plant(rule, key, 'new business at −38%, below the floor', tick);
    b.plant('RATE_MISMATCH', key, 'new business at −38% where the factors give −30% (capped)', tick);
  }
  if (rule === 'FEE_UNDER_ACCRUED') b.plant(rule, key, 'new business without a prevention fee', tick);
  if (rule === 'OUT_OF_TERRITORY')
    b.plant(rule, key, `new business of ${insurer}, not allowed for ${e.sector} in ${e.regionCode}`, tick);
  return { tick, records: b.ticks.get(tick) ?? [], planted: sortPlanted(b.planted) };
}
