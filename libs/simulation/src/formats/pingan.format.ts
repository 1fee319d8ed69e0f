import { ACCIDENT_CATEGORIES, type RecordKind } from '@ajx/contracts';
import { SECTORS_WITHOUT_DUST } from '../canonical-records';
import type { Random } from '../random';
import { breakUscc } from './picc.format';
import { deletePath, epochOf, setPath, type NativeFormat, type RecordDefect } from './native-format';

type Obj = Record<string, unknown>;

const BIZ = { issued: 'NEW', renewed: 'RENEW', endorsed: 'ENDORSE', cancelled: 'SURRENDER' };
const STD = { none: 0, level3: 3, level2: 2, level1: 1 };
const ACC = { none: 'NONE', general: 'GENERAL', larger: 'LARGER', major: 'MAJOR', especially_major: 'EXTRA' };
const TYPES = {
  training: 'TRAINING',
  risk_assessment: 'RISK_ASSESS',
  hazard_inspection: 'HIDDEN_DANGER_CHECK',
  emergency_drill: 'DRILL',
  standardization: 'STANDARDIZATION',
  technology: 'TECH',
  other: 'OTHER',
};
const MODES = { onsite: 'ONSITE', remote: 'REMOTE', centralized: 'CENTRAL', other: 'OTHER' };
const STATES = { open: 'OPEN', rectifying: 'DOING', rectified: 'DONE' };
const GRADES = { general: 'GENERAL', larger: 'LARGER', major: 'MAJOR', especially_major: 'EXTRA' };

/** Epoch ms of a canonical datetime, with milliseconds the standard truncates. */
const ms = (dt: string | null, rng: Random): number | null => (dt === null ? null : epochOf(dt) + rng.int(0, 999));
/** Epoch ms of a Beijing calendar date, at local midnight or later that day. */
const dayMs = (d: string | null, rng: Random): number | null =>
  d === null ? null : Date.parse(`${d}T00:00:00+08:00`) + (rng.chance(0.8) ? 0 : rng.int(0, 86399999));

const ROLES: Record<RecordKind, Record<string, string>> = {
  policy: { id: 'policyNo', enum: 'bizType', date: 'startDate', amount: 'premiumFen', count: 'insuredCount' },
  service: { id: 'serviceNo', enum: 'mode', date: 'start', amount: 'feeFen', count: 'dangerCount' },
  hazard: { id: 'dangerNo', enum: 'state', date: 'foundTime', amount: '', count: 'seq' },
  accident: { id: 'accidentNo', enum: 'grade', date: 'occurTime', amount: 'directLossFen', count: 'deathCount' },
  claim: { id: 'claimNo', enum: 'state', date: 'reportTime', amount: 'claimFen', count: 'victimCount' },
};

/** A v2 field that must not be empty, besides the id and the business time (MISSING_FIELD). */
const REQUIRED_V2: Record<'accident' | 'claim', readonly string[]> = {
  accident: ['desc', 'accidentType', 'seriousInjuryCount', 'occurTime', 'state'],
  claim: ['policyNo', 'reportTime', 'claimFen', 'victimCount', 'seq'],
};

/** PINGAN: NDJSON, UTF-8, epoch milliseconds, fen, GB/T 4754 industry codes. */
export const PINGAN_FORMAT: NativeFormat<{ kind: RecordKind; obj: Obj; broken?: boolean }> = {
  insurer: 'PINGAN',
  profile: { sectors: SECTORS_WITHOUT_DUST, industryCode: true, staffCertificates: true },
  mixedKinds: true,
  fileDefects: [],
  separator: '\n',
  blankLine: '',

  render(sim, noise, rng) {
    const e = sim.record.enterprise;
    const insured: Obj = {
      creditCode: noise.uscc(e.uscc),
      name: noise.text(e.name),
      areaCode: noise.id(e.regionCode),
      industryCode: sim.kind === 'policy' ? sim.record.enterprise.industryCode : industryOf(sim, rng),
    };
    const bizTime = ms(sim.time, rng);
    if (sim.kind === 'policy') {
      const r = sim.record;
      const f = r.premium.factors;
      const all = [f.standardization, f.safetyCulture, f.advancedUnit, f.priorYearAccident];
      return {
        kind: 'policy',
        obj: {
          recordType: 'POLICY',
          bizType: BIZ[r.action],
          seq: r.version,
          policyNo: noise.id(r.policyNo),
          insured: {
            ...insured,
            staffCount: r.enterprise.employeeCount,
            contactName: noise.text(r.contact.name),
            contactMobile: noise.phone(r.contact.phone),
          },
          insuredCount: r.coverage.insuredHeadcount,
          startDate: dayMs(r.coverage.start, rng),
          endDate: dayMs(r.coverage.end, rng),
          premiumFen: r.premium.amountFen,
          limitPerPersonFen: r.coverage.perPersonLimitFen,
          limitTotalFen: r.coverage.totalLimitFen,
          ...(all.every((x) => x === null) && rng.chance(0.5)
            ? {}
            : {
                rateFactors: {
                  stdLevel: f.standardization === null ? null : STD[f.standardization],
                  cultureLevel: f.safetyCulture?.toUpperCase() ?? null,
                  advanced: f.advancedUnit?.toUpperCase() ?? null,
                  lastYearAccident: f.priorYearAccident === null ? null : ACC[f.priorYearAccident],
                },
              }),
          rateAdjustPct: r.premium.adjustmentPct,
          preventionFeeFen: r.preventionFeeFen,
          surrenderDate: dayMs(r.cancelledOn, rng),
          bizTime,
        },
      };
    }
    if (sim.kind === 'service') {
      const r = sim.record;
      return {
        kind: 'service',
        obj: {
          recordType: 'SERVICE',
          serviceNo: noise.id(r.serviceId),
          seq: r.version,
          status: r.action === 'revoked' ? 'CANCELLED' : 'VALID',
          policyNo: noise.id(r.policyNo),
          insured,
          serviceType: TYPES[r.item],
          mode: MODES[r.form],
          provider: {
            type: r.provider.kind === 'insurer' ? 'SELF' : 'THIRD_PARTY',
            name: noise.text(r.provider.name),
            creditCode: noise.uscc(r.provider.uscc),
          },
          staff: r.staff.map((s) => ({ name: noise.text(s.name), certNo: noise.id(s.certificateNo) })),
          start: ms(r.startedAt, rng),
          end: ms(r.endedAt, rng),
          address: noise.text(r.location),
          content: noise.text(r.summary),
          dangerCount: r.hazardsFound,
          feeFen: r.costFen,
          revisit: r.revisit && {
            time: ms(r.revisit.at, rng),
            satisfied: r.revisit.satisfied,
            remark: noise.text(r.revisit.note),
          },
          bizTime,
        },
      };
    }
    if (sim.kind === 'accident') {
      const r = sim.record;
      return {
        kind: 'accident',
        obj: {
          recordType: 'ACCIDENT',
          accidentNo: noise.id(r.accidentId),
          seq: r.version,
          state: r.status.toUpperCase(),
          policyNo: noise.id(r.policyNo),
          insured,
          occurTime: ms(r.occurredAt, rng),
          place: noise.text(r.location),
          accidentType: ACCIDENT_CATEGORIES.indexOf(r.category) + 1,
          grade: GRADES[r.grade],
          deathCount: r.deaths,
          seriousInjuryCount: r.seriousInjuries,
          minorInjuryCount: r.minorInjuries,
          directLossFen: r.directLossFen,
          desc: noise.text(r.description),
          reportTime: ms(r.reportedToAuthorityAt, rng),
          bizTime,
        },
      };
    }
    if (sim.kind === 'claim') {
      const r = sim.record;
      return {
        kind: 'claim',
        obj: {
          recordType: 'CLAIM',
          claimNo: noise.id(r.claimNo),
          seq: r.version,
          state: r.action.toUpperCase(),
          policyNo: noise.id(r.policyNo),
          accidentNo: noise.id(r.accidentId),
          insured,
          reportTime: ms(r.filedAt, rng),
          docsCompleteTime: ms(r.documentsCompleteAt, rng),
          decideTime: ms(r.decidedAt, rng),
          decision: r.decision?.toUpperCase() ?? null,
          agreeTime: ms(r.agreedAt, rng),
          payTime: ms(r.paidAt, rng),
          claimFen: r.claimedFen,
          agreedFen: r.agreedFen,
          paidFen: r.paidFen,
          victimCount: r.victims,
          bizTime,
        },
      };
    }
    const r = sim.record;
    return {
      kind: 'hazard',
      obj: {
        recordType: 'HAZARD',
        dangerNo: noise.id(r.hazardId),
        seq: r.version,
        serviceNo: noise.id(r.serviceId),
        policyNo: noise.id(r.policyNo),
        insured,
        grade: r.level.toUpperCase(),
        category: noise.text(r.category),
        desc: noise.text(r.description),
        foundTime: ms(r.discoveredAt, rng),
        deadline: dayMs(r.rectifyBy, rng),
        state: STATES[r.status],
        doneTime: ms(r.rectifiedAt, rng),
        bizTime,
      },
    };
  },

  plant(native, sim, defect: RecordDefect, rng) {
    const o = native.obj;
    const roles = ROLES[native.kind];
    switch (defect) {
      case 'MALFORMED_RECORD':
        if (rng.chance(0.5)) native.broken = true;
        else o.recordType = 'INVOICE';
        return;
      case 'MISSING_FIELD':
        if (native.kind === 'accident' || native.kind === 'claim') {
          const field = rng.pick([roles.id, 'bizTime', ...REQUIRED_V2[native.kind]]);
          if (rng.chance(0.5)) deletePath(o, field);
          else o[field] = field === 'accidentType' || field === 'state' ? '' : null;
          return;
        }
        if (rng.chance(0.5)) deletePath(o, roles.id);
        else o.bizTime = null;
        return;
      case 'INVALID_USCC':
        setPath(o, 'insured.creditCode', breakUscc(sim.record.enterprise.uscc));
        return;
      case 'UNKNOWN_REGION':
        setPath(o, 'insured.areaCode', '999999');
        return;
      case 'UNKNOWN_SECTOR':
        setPath(o, 'insured.industryCode', rng.pick(['XX12', 'C1', 'Z99', '']) || 'c2614');
        return;
      case 'INVALID_ENUM':
        // accidentType must be a JSON integer: its digits as a string are not a code.
        if (native.kind === 'accident' && rng.chance(0.5)) o.accidentType = rng.pick([String(o.accidentType), 0, 21]);
        else if (native.kind === 'claim' && rng.chance(0.5)) o.decision = 'PARTIAL';
        else o[roles.enum] = 'UNKNOWN';
        return;
      case 'INVALID_DATE':
        o[roles.date] = rng.pick(['2024-01-01', 1.5e12 + 0.5, '1700000000000']);
        return;
      case 'INVALID_AMOUNT':
        o[roles.amount] = rng.pick([123.5, -100, '1000']);
        return;
      case 'INVALID_NUMBER':
        o[roles.count] = rng.pick([-1, 2.5, 'abc']);
        return;
      default:
        throw new Error(`PINGAN cannot plant ${defect} in a rendered record`);
    }
  },

  serialize(native) {
    const line = JSON.stringify(native.obj);
    return native.broken ? line.slice(0, Math.max(1, Math.floor(line.length / 2))) : line;
  },

  head: () => '',
  tail: () => '',
  fileDefect: (_d, head) => head,
  encode: (text) => Buffer.from(text, 'utf8'),
};

/** The industry code of a service's/hazard's enterprise: any code of its sector. */
function industryOf(sim: { record: { enterprise: { sector: string } } }, rng: Random): string {
  const byCode: Record<string, string[]> = {
    coal_mining: ['B06', 'B0610'],
    non_coal_mining: ['B08', 'B091', 'B12'],
    hazardous_chemicals: ['C26', 'C2614', 'C25'],
    fireworks: ['C2672'],
    civil_explosives: ['C2671'],
    metal_smelting: ['C31', 'C3216'],
    construction: ['E47', 'E4813', 'E50'],
    road_transport: ['G54', 'G5430'],
    water_transport: ['G55', 'G5521'],
    fishery: ['A04', 'A0411'],
    city_gas: ['D45', 'D4511'],
    power: ['D44', 'D4411'],
    building_materials: ['C30', 'C3011'],
    machinery: ['C33', 'C34', 'C3511'],
    other: ['C13', 'F51', 'K70'],
  };
  return rng.pick(byCode[sim.record.enterprise.sector]);
}
