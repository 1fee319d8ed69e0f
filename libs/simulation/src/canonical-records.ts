import {
  SECTORS,
  SERVICE_FORMS,
  V1_RECORD_KINDS,
  SERVICE_ITEMS,
  type HazardRecord,
  type PolicyRecord,
  type RecordKind,
  type Sector,
  type ServiceRecord,
} from '@ajx/contracts';
import {
  COUNTIES,
  REGIONS,
  USCC_ALPHABET,
  formatBeijingDate,
  formatBeijingDateTime,
  toSimplified,
  usccCheckCharacter,
  type County,
} from '@ajx/domain';
import { accidentEpisodes, type SimulatedV2Record } from './accident-claim-records';
import type { Random } from './random';

/** One canonical record as the generator meant it: what normalising its native rendering must give back. */
export type SimulatedRecord =
  | { kind: 'policy'; record: PolicyRecord; time: string }
  | { kind: 'service'; record: ServiceRecord; time: string }
  | { kind: 'hazard'; record: HazardRecord; time: string }
  | SimulatedV2Record;

/** What a native format can express (the canonical record must stay within it). */
export interface FormatProfile {
  /** Sectors the format can name (PINGAN's GB/T 4754 codes cannot say `dust_explosion`). */
  sectors: readonly Sector[];
  /** Whether policies carry `industryCode` (PINGAN). */
  industryCode: boolean;
  /** Whether staff carry certificate numbers (not DADI). */
  staffCertificates: boolean;
}

export interface RecordFactoryOptions {
  /** The delivering insurer (fills `insurer` and prefixes ids). */
  insurer: string;
  profile: FormatProfile;
  /**
   * Only these kinds (PICC files hold one kind each); default the v1 kinds. Accidents and claims (data standard v2)
   * come only when asked for, drawn from a stream of their own, so the v1 records of a seed stay the same.
   */
  kinds?: readonly RecordKind[];
  /** Restrict enterprises to counties whose code starts with one of these prefixes (e.g. `['33', '3708']`). */
  regionPrefixes?: readonly string[];
}

const DAY = 86400000;
const BEIJING = 8 * 3600000;
const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈',
];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强文斌海燕玉兰鑫宇浩然子涵雨欣'];
export const FIRM_WORDS = [
  '宏远',
  '金泰',
  '华通',
  '永安',
  '鑫源',
  '顺通',
  '东方',
  '海港',
  '远航',
  '瑞丰',
  '联创',
  '新城',
  '宏运',
  '中兴',
  '恒达',
  '安泰',
];
export const SECTOR_WORDS: Readonly<Record<Sector, string>> = {
  coal_mining: '煤业',
  non_coal_mining: '矿业',
  hazardous_chemicals: '化工',
  fireworks: '烟花',
  civil_explosives: '民爆器材',
  metal_smelting: '冶金',
  construction: '建筑工程',
  road_transport: '物流运输',
  water_transport: '航运',
  fishery: '水产',
  city_gas: '燃气',
  power: '电力',
  building_materials: '建材',
  machinery: '机械',
  dust_explosion: '木业',
  other: '实业',
};
export const FORMS_OF_COMPANY = ['有限公司', '有限责任公司', '股份有限公司'];
export const PROVIDERS = [
  '山东鲁安安全技术服务有限公司',
  '浙江安信安全技术服务有限公司',
  '杭州泰安安全技术服务有限公司',
];
export const INSURER_NAMES: Readonly<Record<string, string>> = {
  PICC: '中国人民财产保险股份有限公司',
  PINGAN: '中国平安财产保险股份有限公司',
  CPIC: '中国太平洋财产保险股份有限公司',
  DADI: '中国大地财产保险股份有限公司',
};
export const ID_PREFIX: Readonly<Record<string, string>> = { PICC: 'PICC', PINGAN: 'PA', CPIC: 'CPIC', DADI: 'DD' };
const SUMMARIES = [
  '推广视频智能监控预警系统',
  '指导企业修订应急预案并开展演练',
  '协助企业开展安全生产标准化自评',
  '组织现场隐患排查，形成隐患清单',
  '开展全员安全生产教育培训，覆盖一线作业人员\n备注: "A区,B区" 复查',
];
const HAZARD_TEXTS = [
  '应急照明失效，疏散通道堵塞',
  '特种作业人员未持证上岗',
  '脚手架连墙件缺失',
  '配电箱未接地，临时用电线路老化',
  '气瓶未固定，与明火距离不足',
];
const CATEGORIES = ['设备设施', '应急管理', '电气安全', '消防安全', '人员资质', '高处作业', '粉尘防爆'];
const NOTES = ['希望增加培训频次', '服务及时', '整改建议具体可行'];
const PLACES = ['开发区', '工业园区', '港区', '项目部'];

/** A valid USCC (GB 32100) for an enterprise registered in `county`. */
export function randomUscc(rng: Random, county: string): string {
  let body = '91' + county;
  for (let i = 0; i < 9; i++) body += rng.pick([...USCC_ALPHABET.slice(0, 10), ...USCC_ALPHABET]);
  return body + usccCheckCharacter(body)!;
}

export function personName(rng: Random): string {
  return toSimplified(rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.chance(0.6) ? rng.pick(GIVEN) : ''));
}

export function mobile(rng: Random): string {
  return rng.chance(0.8)
    ? `1${rng.pick(['3', '5', '7', '8', '9'])}${rng.digits(9)}`
    : `0${rng.pick(['537', '571', '574'])}${rng.digits(7)}`;
}

const dateOf = (ms: number): string => formatBeijingDate(ms)!;
const timeOf = (ms: number): string => formatBeijingDateTime(ms)!;
/** Beijing midnight of a day number. */
const midnight = (day: number): number => day * DAY - BEIJING;

const CITY_SHORT = /(市|地区|自治州|盟)$/;

/**
 * An endless, deterministic stream of realistic canonical records: per enterprise a policy (issued or renewed, some
 * endorsements, sometimes a cancellation), its accident-prevention services (with amendments or a revocation) and
 * the hazards they found (updated, some rectified) — in the order an insurer would report them; when asked for,
 * then its accidents and the claims on them (data standard v2).
 */
export function* canonicalRecords(rng: Random, options: RecordFactoryOptions): Generator<SimulatedRecord> {
  const { insurer, profile } = options;
  const kinds = new Set<RecordKind>(options.kinds ?? V1_RECORD_KINDS);
  const v2 = kinds.has('accident') || kinds.has('claim') ? rng.derive('v2') : null;
  const counties: readonly County[] = options.regionPrefixes?.length
    ? COUNTIES.filter((c) => options.regionPrefixes!.some((p) => c.code.startsWith(p)))
    : COUNTIES;
  if (!counties.length) throw new Error('no county matches the region prefixes');
  const prefix = ID_PREFIX[insurer] ?? insurer;
  const insurerName = INSURER_NAMES[insurer] ?? `${insurer}财产保险股份有限公司`;
  const newId = idMaker(prefix, rng);
  const v2Episode = v2 && { rng: v2, newId: idMaker(prefix, v2) };

  for (;;) {
    const county = rng.pick(counties);
    const sector = rng.pick(profile.sectors);
    const city = (county.cityName || county.name).replace(CITY_SHORT, '');
    const enterprise = {
      uscc: randomUscc(rng, county.code),
      name: toSimplified(city + rng.pick(FIRM_WORDS) + SECTOR_WORDS[sector] + rng.pick(FORMS_OF_COMPANY)),
      regionCode: county.code,
      sector,
    };
    const industryCode = profile.industryCode ? industryCodeFor(rng, sector) : null;
    const startDay = rng.int(19000, 20400); // 2022 … 2025
    const years = rng.chance(0.9) ? 1 : rng.int(2, 5);
    const start = dateOf(midnight(startDay));
    const endDate = new Date(Date.UTC(+start.slice(0, 4) + years, +start.slice(5, 7) - 1, +start.slice(8, 10)) - DAY);
    const end = endDate.toISOString().slice(0, 10);
    const premiumFen = rng.int(5000, 500000) * 100 + (rng.chance(0.5) ? rng.int(0, 99) : 0);
    const policyNo = newId('AZ', 2022 + rng.int(0, 3));
    let employees = rng.int(10, 900);
    const policy: PolicyRecord = {
      policyNo,
      insurer,
      action: rng.chance(0.7) ? 'issued' : 'renewed',
      version: 0,
      enterprise: { ...enterprise, industryCode, employeeCount: employees },
      contact: rng.chance(0.8) ? { name: personName(rng), phone: mobile(rng) } : { name: null, phone: null },
      coverage: {
        start,
        end,
        insuredHeadcount: employees,
        perPersonLimitFen: rng.chance(0.95) ? rng.pick([500000, 800000, 1000000, 1200000]) * 100 : null,
        totalLimitFen: rng.chance(0.5) ? rng.pick([10000000, 20000000, 50000000]) * 100 : null,
      },
      premium: {
        amountFen: premiumFen,
        adjustmentPct: rng.pick([-30, -15, -10, -7.5, -5, 0, 10, 12.25, 30, 50, null]),
        factors: rng.chance(0.9)
          ? {
              standardization: rng.pick(['none', 'level3', 'level2', 'level1'] as const),
              safetyCulture: rng.pick(['none', 'city', 'province', 'national'] as const),
              advancedUnit: rng.pick(['none', 'city', 'province'] as const),
              priorYearAccident: rng.pick(['none', 'general', 'larger', 'major', 'especially_major'] as const),
            }
          : { standardization: null, safetyCulture: null, advancedUnit: null, priorYearAccident: null },
      },
      preventionFeeFen: rng.chance(0.6) ? Math.round(premiumFen * 0.05) : null,
      cancelledOn: null,
    };
    const startMs = midnight(startDay);
    let t = startMs - rng.int(1, 20) * DAY + rng.int(8 * 3600, 18 * 3600) * 1000;
    const out: SimulatedRecord[] = [{ kind: 'policy', record: policy, time: timeOf(t) }];
    const endorsements = rng.chance(0.3) ? rng.int(1, 2) : 0;
    for (let v = 1; v <= endorsements; v++) {
      employees += rng.int(0, 20);
      t += rng.int(10, 60) * DAY;
      out.push({
        kind: 'policy',
        record: {
          ...policy,
          action: 'endorsed',
          version: v,
          enterprise: { ...policy.enterprise, employeeCount: employees },
          coverage: { ...policy.coverage, insuredHeadcount: employees },
        },
        time: timeOf(t),
      });
    }
    if (rng.chance(0.05)) {
      t += rng.int(10, 60) * DAY;
      out.push({
        kind: 'policy',
        record: { ...policy, action: 'cancelled', version: endorsements + 1, cancelledOn: dateOf(t) },
        time: timeOf(t),
      });
    }
    const services = rng.int(0, 3);
    for (let s = 0; s < services; s++) {
      const serviceId = newId('FW', 2023 + rng.int(0, 2));
      const startedMs = startMs + rng.int(5, 300) * DAY + rng.int(8, 15) * 3600000;
      const endedMs = startedMs + rng.int(1, 8) * 3600000;
      const third = rng.chance(0.4);
      const place = rng.chance(0.7)
        ? toSimplified(`${county.cityName || county.provinceName}${county.name}${rng.pick(PLACES)}${rng.int(1, 99)}号`)
        : null;
      const service: ServiceRecord = {
        serviceId,
        insurer,
        action: 'recorded',
        version: 1,
        policyNo: rng.chance(0.9) ? policyNo : null,
        enterprise,
        item: rng.pick(SERVICE_ITEMS),
        form: rng.pick(SERVICE_FORMS),
        provider: third
          ? {
              kind: 'third_party',
              name: rng.pick(PROVIDERS),
              uscc: rng.chance(0.6) ? randomUscc(rng, county.code) : null,
            }
          : { kind: 'insurer', name: insurerName, uscc: null },
        staff: Array.from({ length: rng.int(0, 3) }, () => ({
          name: personName(rng),
          certificateNo: profile.staffCertificates && rng.chance(0.6) ? `AQ${rng.digits(8)}` : null,
        })),
        startedAt: timeOf(startedMs),
        endedAt: timeOf(endedMs),
        location: place,
        summary: rng.chance(0.85) ? rng.pick(SUMMARIES) : null,
        hazardsFound: 0,
        costFen: rng.chance(0.7) ? rng.int(500, 20000) * 100 : null,
        revisit: rng.chance(0.5)
          ? {
              at: timeOf(endedMs + rng.int(3, 20) * DAY),
              satisfied: rng.pick([true, false, null]),
              note: rng.chance(0.5) ? rng.pick(NOTES) : null,
            }
          : null,
      };
      const hazards = rng.int(0, 2);
      service.hazardsFound = hazards;
      let st = endedMs + rng.int(1, 20) * 3600000;
      out.push({ kind: 'service', record: service, time: timeOf(st) });
      if (rng.chance(0.25)) {
        st += rng.int(1, 5) * DAY;
        const revoked = rng.chance(0.3);
        out.push({
          kind: 'service',
          record: {
            ...service,
            version: 2,
            action: revoked ? 'revoked' : 'amended',
            summary: service.summary ? `${service.summary}（补充）` : '（补充）',
          },
          time: timeOf(st),
        });
      }
      for (let h = 0; h < hazards; h++) {
        const found = startedMs + rng.int(0, endedMs - startedMs);
        const foundMs = Math.floor(found / 1000) * 1000;
        const hazard: HazardRecord = {
          hazardId: newId('YH', 2023 + rng.int(0, 2)),
          insurer,
          action: 'reported',
          version: 1,
          serviceId,
          policyNo: service.policyNo,
          enterprise,
          level: rng.chance(0.15) ? 'major' : 'general',
          category: rng.chance(0.85) ? rng.pick(CATEGORIES) : null,
          description: rng.pick(HAZARD_TEXTS),
          discoveredAt: timeOf(foundMs),
          rectifyBy: rng.chance(0.9) ? dateOf(foundMs + rng.int(10, 60) * DAY) : null,
          status: 'open',
          rectifiedAt: null,
        };
        let ht = foundMs + 3600000;
        out.push({ kind: 'hazard', record: hazard, time: timeOf(ht) });
        if (rng.chance(0.5)) {
          ht += rng.int(1, 10) * DAY;
          out.push({
            kind: 'hazard',
            record: { ...hazard, version: 2, action: 'updated', status: 'rectifying' },
            time: timeOf(ht),
          });
          if (rng.chance(0.6)) {
            ht += rng.int(1, 10) * DAY;
            out.push({
              kind: 'hazard',
              record: {
                ...hazard,
                version: 3,
                action: 'rectified',
                status: 'rectified',
                rectifiedAt: timeOf(ht - 3600000),
              },
              time: timeOf(ht),
            });
          }
        }
      }
    }
    if (v2Episode)
      out.push(
        ...accidentEpisodes(v2Episode.rng, {
          insurer,
          enterprise,
          policyNo,
          coverageStartMs: startMs,
          coverageEndMs: Date.parse(`${end}T00:00:00+08:00`) + DAY,
          newId: v2Episode.newId,
        }),
      );
    for (const r of out) if (kinds.has(r.kind)) yield r;
  }
}

/** Record ids `<prefix><infix><year><6 digits>`, unique within the stream, drawn from `rng`. */
function idMaker(prefix: string, rng: Random): (infix: string, year: number) => string {
  const ids = new Set<string>();
  return (infix, year) => {
    for (;;) {
      const id = `${prefix}${infix}${year}${rng.digits(6)}`;
      if (!ids.has(id)) {
        ids.add(id);
        if (ids.size > 200000) ids.clear();
        return id;
      }
    }
  };
}

/** A GB/T 4754-2017 code whose sector (by the standard's table) is `sector`. */
export function industryCodeFor(rng: Random, sector: Sector): string {
  const four = (division: string) => division + rng.digits(rng.int(0, 2));
  switch (sector) {
    case 'coal_mining':
      return four('B06');
    case 'non_coal_mining':
      return four(rng.pick(['B07', 'B08', 'B09', 'B10', 'B11', 'B12']));
    case 'civil_explosives':
      return 'C2671';
    case 'fireworks':
      return 'C2672';
    case 'hazardous_chemicals':
      return rng.pick(['C25', 'C251', 'C2614', 'C2661', 'C26']);
    case 'building_materials':
      return four('C30');
    case 'metal_smelting':
      return four(rng.pick(['C31', 'C32']));
    case 'machinery':
      return four(rng.pick(['C33', 'C34', 'C35']));
    case 'power':
      return four('D44');
    case 'city_gas':
      return four('D45');
    case 'construction':
      return four(rng.pick(['E47', 'E48', 'E49', 'E50']));
    case 'road_transport':
      return four('G54');
    case 'water_transport':
      return four('G55');
    case 'fishery':
      return four('A04');
    case 'other':
      return four(rng.pick(['C13', 'C18', 'F51', 'I65', 'K70']));
    case 'dust_explosion':
      throw new Error('no GB/T 4754 code maps to dust_explosion');
  }
}

export const ALL_SECTORS: readonly Sector[] = SECTORS;
export const SECTORS_WITHOUT_DUST: readonly Sector[] = SECTORS.filter((s) => s !== 'dust_explosion');

/** Counties whose `<city><county>` name resolves back to them (all of them, checked at load in tests). */
export function countyNameOf(c: County, withProvince: boolean): string {
  const base = c.cityName + c.name;
  return withProvince && c.provinceName !== c.cityName ? c.provinceName + base : base;
}

export { REGIONS };
