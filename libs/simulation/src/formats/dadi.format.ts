import { ACCIDENT_CATEGORIES, type RecordKind } from '@ajx/contracts';
import { DADI_SECTOR_CODES, REGION_SUCCESSION } from '@ajx/domain';
import { ALL_SECTORS } from '../canonical-records';
import type { Random } from '../random';
import { breakUscc } from './picc.format';
import { partsOf, yuanText, type NativeFormat, type RecordDefect } from './native-format';

type Obj = Record<string, unknown>;

const YWLX = { issued: 'XB', renewed: 'XUB', endorsed: 'PG', cancelled: 'TB' };
const STD = { none: 0, level3: 3, level2: 2, level1: 1 };
const CULTURE = { none: 0, city: 1, province: 2, national: 3 };
const ADVANCED = { none: 0, city: 1, province: 2 };
const ACCIDENT = { none: 0, general: 1, larger: 2, major: 3, especially_major: 4 };
const ITEMS = [
  'training',
  'risk_assessment',
  'hazard_inspection',
  'emergency_drill',
  'standardization',
  'technology',
  'other',
];
const FORMS = ['onsite', 'remote', 'centralized', 'other'];
const STATUS = { open: 0, rectifying: 1, rectified: 2 };
const GRADE = { general: 1, larger: 2, major: 3, especially_major: 4 };
const CLAIM_STATUS = { filed: 1, assessed: 2, agreed: 3, paid: 4, rejected: 5, withdrawn: 6 };
const DECISION = { accept: 1, reject: 2 };
const SECTOR_CODE = Object.fromEntries(Object.entries(DADI_SECTOR_CODES).map(([code, sector]) => [sector, code]));
const RETIRED_BY_SUCCESSOR = new Map<string, string[]>();
for (const s of REGION_SUCCESSION) {
  const list = RETIRED_BY_SUCCESSOR.get(s.successor) ?? [];
  list.push(s.retired);
  RETIRED_BY_SUCCESSOR.set(s.successor, list);
}

/** A number or a code as DADI writes it: sometimes a JSON number, sometimes a string. */
function numOrString(n: number, rng: Random): number | string {
  return rng.chance(0.5) ? n : String(n);
}
const date = (d: string | null, rng: Random): string => {
  if (d === null) return '';
  const [y, m, dd] = [d.slice(0, 4), +d.slice(5, 7), +d.slice(8, 10)];
  return rng.chance(0.8) ? `${y}/${m}/${dd}` : `${y}/${String(m).padStart(2, '0')}/${String(dd).padStart(2, '0')}`;
};
const dateTime = (dt: string | null, rng: Random): string => {
  if (dt === null) return '';
  const p = partsOf(dt);
  return `${date(p.date, rng)} ${rng.chance(0.8) ? p.h : String(p.h).padStart(2, '0')}:${dt.slice(14, 19)}`;
};
const money = (fen: number | null, rng: Random): string | number => {
  if (fen === null) return '';
  if (rng.chance(0.15) && fen % 1 === 0) return fen / 100;
  return yuanText(fen, rng, true);
};

const ROLES: Record<RecordKind, Record<string, string>> = {
  policy: { id: 'bdh', enum: 'ywlx', date: 'qbrq', amount: 'bf', count: 'cyrs' },
  service: { id: 'fwbh', enum: 'fwxs', date: 'kssj', amount: 'fwfy', count: 'yhs' },
  hazard: { id: 'yhbh', enum: 'zgzt', date: 'fxsj', amount: '', count: 'bbh' },
  accident: { id: 'sgbh', enum: 'sgdj', date: 'fssj', amount: 'zjss', count: 'swrs' },
  claim: { id: 'pah', enum: 'ajzt', date: 'basj', amount: 'spje', count: 'sjrs' },
};

/** A v2 field that must not be empty, besides the id and the business time (MISSING_FIELD). */
const REQUIRED_V2: Record<'accident' | 'claim', readonly string[]> = {
  accident: ['sgjg', 'sglb', 'qsrs', 'sgzt', 'fssj'],
  claim: ['bdh', 'basj', 'spje', 'sjrs', 'ajzt'],
};

/** A v2 coded number as DADI writes it: a JSON integer or a string of digits, sometimes with leading zeros. */
function codeNumber(n: number, rng: Random): number | string {
  return rng.chance(0.5) ? n : rng.chance(0.8) ? String(n) : String(n).padStart(rng.int(2, 3), '0');
}

/** DADI: one legacy JSON document, codes as numbers or strings, retired region codes, yuan strings. */
export const DADI_FORMAT: NativeFormat<{ kind: RecordKind; obj: Obj | string }> = {
  insurer: 'DADI',
  profile: { sectors: ALL_SECTORS, industryCode: false, staffCertificates: false },
  mixedKinds: true,
  fileDefects: ['truncated'],
  separator: ',\n  ',
  separatorBetweenOnly: true,
  blankLine: null,

  render(sim, noise, rng) {
    const e = sim.record.enterprise;
    const retired = RETIRED_BY_SUCCESSOR.get(e.regionCode);
    const code = SECTOR_CODE[e.sector];
    const common: Obj = {
      xydm: noise.uscc(e.uscc),
      qymc: noise.text(e.name),
      xzqh:
        retired && rng.chance(0.5)
          ? rng.pick(retired)
          : rng.chance(0.2)
            ? Number(e.regionCode)
            : noise.id(e.regionCode),
      hydm: code.startsWith('0') && rng.chance(0.3) ? Number(code) : code,
    };
    if (sim.kind === 'policy') {
      const r = sim.record;
      const f = r.premium.factors;
      const factor = (v: number | undefined) => (v === undefined ? '' : numOrString(v, rng));
      return {
        kind: 'policy',
        obj: {
          lx: 'bd',
          ywlx: YWLX[r.action],
          bdh: noise.id(r.policyNo),
          pgxh: numOrString(r.version, rng),
          ...common,
          cyrs: numOrString(r.enterprise.employeeCount, rng),
          cbrs: numOrString(r.coverage.insuredHeadcount, rng),
          qbrq: date(r.coverage.start, rng),
          zbrq: date(r.coverage.end, rng),
          bf: money(r.premium.amountFen, rng),
          mrxe: money(r.coverage.perPersonLimitFen, rng),
          ljxe: money(r.coverage.totalLimitFen, rng),
          bzhdj: factor(f.standardization === null ? undefined : STD[f.standardization]),
          whsf: factor(f.safetyCulture === null ? undefined : CULTURE[f.safetyCulture]),
          xjdw: factor(f.advancedUnit === null ? undefined : ADVANCED[f.advancedUnit]),
          sgdj: factor(f.priorYearAccident === null ? undefined : ACCIDENT[f.priorYearAccident]),
          fdbl: r.premium.adjustmentPct === null ? '' : `${r.premium.adjustmentPct}%`,
          yffy: money(r.preventionFeeFen, rng),
          lxr: noise.text(r.contact.name) ?? '',
          lxdh: noise.phone(r.contact.phone) ?? '',
          tbrq: date(r.cancelledOn, rng),
          ywsj: dateTime(sim.time, rng),
        },
      };
    }
    if (sim.kind === 'service') {
      const r = sim.record;
      return {
        kind: 'service',
        obj: {
          lx: 'fw',
          fwbh: noise.id(r.serviceId),
          bbh: numOrString(r.version, rng),
          zt: numOrString(r.action === 'revoked' ? 0 : 1, rng),
          bdh: noise.id(r.policyNo) ?? '',
          ...common,
          fwxm: numOrString(ITEMS.indexOf(r.item) + 1, rng),
          fwxs: numOrString(FORMS.indexOf(r.form) + 1, rng),
          jglx: numOrString(r.provider.kind === 'insurer' ? 1 : 2, rng),
          jgmc: noise.text(r.provider.name),
          jgdm: noise.uscc(r.provider.uscc) ?? '',
          fwry: r.staff.map((s) => s.name).join('|'),
          kssj: dateTime(r.startedAt, rng),
          jssj: dateTime(r.endedAt, rng),
          fwdd: noise.text(r.location) ?? '',
          fwnr: noise.text(r.summary) ?? '',
          yhs: numOrString(r.hazardsFound, rng),
          fwfy: money(r.costFen, rng),
          hfsj: dateTime(r.revisit?.at ?? null, rng),
          hfmy:
            r.revisit?.satisfied === true
              ? numOrString(1, rng)
              : r.revisit?.satisfied === false
                ? numOrString(0, rng)
                : '',
          hfyj: noise.text(r.revisit?.note ?? null) ?? '',
          ywsj: dateTime(sim.time, rng),
        },
      };
    }
    if (sim.kind === 'accident') {
      const r = sim.record;
      return {
        kind: 'accident',
        obj: {
          lx: 'sg',
          sgbh: noise.id(r.accidentId),
          bbh: numOrString(r.version, rng),
          sgzt: codeNumber(r.status === 'open' ? 0 : 1, rng),
          bdh: noise.id(r.policyNo) ?? '',
          ...common,
          fssj: dateTime(r.occurredAt, rng),
          fsdd: noise.text(r.location) ?? '',
          sglb: codeNumber(ACCIDENT_CATEGORIES.indexOf(r.category) + 1, rng),
          sgdj: codeNumber(GRADE[r.grade], rng),
          swrs: numOrString(r.deaths, rng),
          zsrs: numOrString(r.seriousInjuries, rng),
          qsrs: numOrString(r.minorInjuries, rng),
          zjss: money(r.directLossFen, rng),
          sgjg: noise.text(r.description),
          bgsj: dateTime(r.reportedToAuthorityAt, rng),
          ywsj: dateTime(sim.time, rng),
        },
      };
    }
    if (sim.kind === 'claim') {
      const r = sim.record;
      return {
        kind: 'claim',
        obj: {
          lx: 'lp',
          pah: noise.id(r.claimNo),
          bbh: numOrString(r.version, rng),
          ajzt: codeNumber(CLAIM_STATUS[r.action], rng),
          bdh: noise.id(r.policyNo),
          sgbh: noise.id(r.accidentId) ?? '',
          ...common,
          basj: dateTime(r.filedAt, rng),
          zlqqsj: dateTime(r.documentsCompleteAt, rng),
          hdsj: dateTime(r.decidedAt, rng),
          hdjl: r.decision === null ? '' : codeNumber(DECISION[r.decision], rng),
          xysj: dateTime(r.agreedAt, rng),
          pfsj: dateTime(r.paidAt, rng),
          spje: money(r.claimedFen, rng),
          xyje: money(r.agreedFen, rng),
          pfje: money(r.paidFen, rng),
          sjrs: numOrString(r.victims, rng),
          ywsj: dateTime(sim.time, rng),
        },
      };
    }
    const r = sim.record;
    return {
      kind: 'hazard',
      obj: {
        lx: 'yh',
        yhbh: noise.id(r.hazardId),
        bbh: numOrString(r.version, rng),
        fwbh: noise.id(r.serviceId) ?? '',
        bdh: noise.id(r.policyNo) ?? '',
        ...common,
        yhdj: numOrString(r.level === 'major' ? 2 : 1, rng),
        yhlb: noise.text(r.category) ?? '',
        yhms: noise.text(r.description),
        fxsj: dateTime(r.discoveredAt, rng),
        zgqx: date(r.rectifyBy, rng),
        zgzt: numOrString(STATUS[r.status], rng),
        zgwcsj: dateTime(r.rectifiedAt, rng),
        ywsj: dateTime(sim.time, rng),
      },
    };
  },

  plant(native, sim, defect: RecordDefect, rng) {
    if (typeof native.obj === 'string') return;
    const o = native.obj;
    const roles = ROLES[native.kind];
    switch (defect) {
      case 'MALFORMED_RECORD':
        if (rng.chance(0.5)) native.obj = 'not a record';
        else o.lx = 'pc';
        return;
      case 'MISSING_FIELD':
        if (native.kind === 'accident' || native.kind === 'claim') {
          o[rng.pick([roles.id, 'ywsj', ...REQUIRED_V2[native.kind]])] = '';
          return;
        }
        o[rng.chance(0.5) ? roles.id : 'ywsj'] = '';
        return;
      case 'INVALID_USCC':
        o.xydm = breakUscc(sim.record.enterprise.uscc);
        return;
      case 'UNKNOWN_REGION':
        o.xzqh = rng.pick(['999999', '370800', 370802000]);
        return;
      case 'UNKNOWN_SECTOR':
        o.hydm = rng.pick(['16', '00', 42, 'A1']);
        return;
      case 'INVALID_ENUM':
        // sgdj 0 is a policy's "no accident", never an accident's grade.
        if (native.kind === 'accident' && rng.chance(0.5))
          o[rng.pick(['sgdj', 'sglb'])] = rng.pick([0, '00', '2.0', 21]);
        else if (native.kind === 'claim' && rng.chance(0.5)) o.hdjl = rng.pick([0, 3, '1.0']);
        else o[roles.enum] = rng.pick(['9', 'XX', 7]);
        return;
      case 'INVALID_DATE':
        o[roles.date] =
          native.kind === 'policy'
            ? rng.pick(['2024/2/30', '2023-01-16'])
            : rng.pick(['2024/2/30 10:00:00', '2024/6/16 25:00:00']);
        return;
      case 'INVALID_AMOUNT':
        o[roles.amount] = rng.pick(['12.345', '-5.00', '1,2345.00', 12.345]);
        return;
      case 'INVALID_NUMBER':
        o[roles.count] = rng.pick(['abc', -1, '1.5']);
        return;
      default:
        throw new Error(`DADI cannot plant ${defect} in a rendered record`);
    }
  },

  serialize: (native) => JSON.stringify(native.obj, null, 1).replace(/\n/g, '\n  '),

  head: (o) => `{\n "gsdm": ${JSON.stringify(o.declaredInsurer)},\n "pch": ${JSON.stringify(o.batchNo)},\n "sj": [\n  `,
  tail: () => '\n ]\n}\n',
  fileDefect: (_d, head) => head,
  encode: (text) => Buffer.from(text, 'utf8'),
};
