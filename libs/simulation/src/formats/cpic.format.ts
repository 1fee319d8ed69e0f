import type { RecordKind } from '@ajx/contracts';
import { SECTOR_NAMES, countyByCode } from '@ajx/domain';
import { ALL_SECTORS, countyNameOf } from '../canonical-records';
import type { Noise } from '../noise';
import type { Random } from '../random';
import { CHINESE, anyChinese, chinese, pickName } from './chinese-names';
import { breakUscc } from './picc.format';
import { epochOf, pctText, setPath, yuanText, type NativeFormat, type RecordDefect } from './native-format';

/** An element in the same JSON form the CPIC adapter reads into (`@attr`, `#text`, children by name). */
type El = Record<string, unknown>;

const ACTION = { issued: 'NEW', renewed: 'RENEW', endorsed: 'AMEND', cancelled: 'CANCEL' };
const OFFSETS = [480, 480, 0, 540, -300, 330];
const p2 = (n: number) => String(n).padStart(2, '0');

/** An ISO 8601 datetime at some UTC offset (the standard converts it back to +08:00), maybe with a fraction. */
function isoAt(dt: string | null, rng: Random): string {
  if (dt === null) return '';
  const offset = rng.pick(OFFSETS);
  const t = new Date(epochOf(dt) + offset * 60000);
  const wall = `${t.getUTCFullYear()}-${p2(t.getUTCMonth() + 1)}-${p2(t.getUTCDate())}T${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}`;
  const frac = rng.chance(0.1) ? `.${rng.digits(3)}` : '';
  const off =
    offset === 0 && rng.chance(0.7)
      ? 'Z'
      : `${offset < 0 ? '-' : '+'}${p2(Math.floor(Math.abs(offset) / 60))}:${p2(Math.abs(offset) % 60)}`;
  return wall + frac + off;
}
const compact = (d: string | null): string => (d ? d.replace(/-/g, '') : '');

function region(code: string, noise: Noise, rng: Random): string {
  const county = countyByCode(code);
  if (!county) throw new Error(`no county ${code}`);
  return noise.coded(countyNameOf(county, rng.chance(0.4)));
}

function insured(
  sim: {
    record: { enterprise: { uscc: string; name: string; regionCode: string; sector: keyof typeof SECTOR_NAMES } };
  },
  noise: Noise,
  rng: Random,
): El {
  const e = sim.record.enterprise;
  return {
    CreditCode: noise.uscc(e.uscc),
    Name: noise.text(e.name),
    Region: region(e.regionCode, noise, rng),
    Industry: noise.coded(pickName(SECTOR_NAMES[e.sector], rng)),
  };
}

const PATHS: Record<RecordKind, Record<string, string>> = {
  policy: { id: 'PolicyNo', enum: '@action', date: 'Period.@from', amount: 'Premium.#text', count: 'InsuredPersons' },
  service: { id: '@id', enum: 'Form', date: 'Start', amount: 'Cost', count: 'HazardsFound' },
  hazard: { id: '@id', enum: 'Status', date: 'DiscoveredAt', amount: '', count: '@seq' },
  accident: { id: '@id', enum: 'Grade', date: 'OccurredAt', amount: 'DirectLoss', count: 'Casualties.@deaths' },
  claim: { id: '@id', enum: '@status', date: 'FiledAt', amount: 'Amounts.@claimed', count: 'Victims' },
};

/** A v2 value that must not be empty, besides the id and the business time (MISSING_FIELD). */
const REQUIRED_V2: Record<'accident' | 'claim', readonly string[]> = {
  accident: ['Description', 'Category', 'Casualties.@minor', '@status', '@seq'],
  claim: ['PolicyNo', 'FiledAt', 'Amounts.@claimed', 'Victims', 'Insured.CreditCode'],
};
const CLAIM_STATUS = {
  filed: 'FILED',
  assessed: 'ASSESSED',
  agreed: 'AGREED',
  paid: 'PAID',
  rejected: 'REJECTED',
  withdrawn: 'WITHDRAWN',
};

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** XML of one element in JSON form. */
export function toXml(name: string, value: unknown, rng: Random): string {
  if (value === null || value === undefined || value === '') return `<${name}/>`;
  if (typeof value === 'string') {
    const cdata = name === 'Summary' && rng.chance(0.3) && !value.includes(']]>');
    return `<${name}>${cdata ? `<![CDATA[${value}]]>` : escapeText(value)}</${name}>`;
  }
  if (Array.isArray(value)) return value.map((v) => toXml(name, v, rng)).join('');
  const el = value as El;
  let attrs = '';
  let inner = '';
  for (const [k, v] of Object.entries(el)) {
    if (k.startsWith('@')) attrs += ` ${k.slice(1)}="${escapeAttr(typeof v === 'string' ? v : '')}"`;
    else if (k === '#text') inner += escapeText(typeof v === 'string' ? v : '');
    else inner += toXml(k, v, rng);
  }
  return inner ? `<${name}${attrs}>${inner}</${name}>` : `<${name}${attrs}/>`;
}

/** CPIC: one XML document per file, regions by name, Traditional Chinese allowed, any UTC offset. */
export const CPIC_FORMAT: NativeFormat<{ kind: RecordKind; name: string; el: El }> = {
  insurer: 'CPIC',
  profile: { sectors: ALL_SECTORS, industryCode: false, staffCertificates: true },
  mixedKinds: true,
  fileDefects: ['doctype', 'truncated'],
  separator: '\n',
  blankLine: null,

  render(sim, noise, rng) {
    if (sim.kind === 'policy') {
      const r = sim.record;
      const f = r.premium.factors;
      const ins = insured(sim, noise, rng);
      ins.Employees = String(r.enterprise.employeeCount);
      if (r.contact.name !== null || r.contact.phone !== null)
        ins.Contact = { Name: noise.text(r.contact.name) ?? '', Phone: noise.phone(r.contact.phone) ?? '' };
      const factors = [f.standardization, f.safetyCulture, f.advancedUnit, f.priorYearAccident];
      const el: El = {
        '@action': ACTION[r.action],
        '@seq': String(r.version),
        PolicyNo: noise.id(r.policyNo),
        Insured: ins,
        Period: { '@from': compact(r.coverage.start), '@to': compact(r.coverage.end) },
        InsuredPersons: String(r.coverage.insuredHeadcount),
        Premium: { '@currency': 'CNY', '#text': yuanText(r.premium.amountFen, rng, true) },
        Limits: {
          '@perPerson': r.coverage.perPersonLimitFen === null ? '' : yuanText(r.coverage.perPersonLimitFen, rng, true),
          '@total': r.coverage.totalLimitFen === null ? '' : yuanText(r.coverage.totalLimitFen, rng, true),
        },
      };
      if (factors.some((x) => x !== null) || r.premium.adjustmentPct !== null)
        el.RateFactors = {
          '@standardization':
            f.standardization === null ? '' : noise.coded(chinese(CHINESE.standardization, f.standardization)),
          '@culture': f.safetyCulture === null ? '' : noise.coded(chinese(CHINESE.safetyCulture, f.safetyCulture)),
          '@advanced': f.advancedUnit === null ? '' : noise.coded(chinese(CHINESE.advancedUnit, f.advancedUnit)),
          '@accident':
            f.priorYearAccident === null ? '' : noise.coded(chinese(CHINESE.priorYearAccident, f.priorYearAccident)),
          ...(r.premium.adjustmentPct === null ? {} : { '@adjust': pctText(r.premium.adjustmentPct, rng) }),
        };
      if (r.preventionFeeFen !== null) el.PreventionFee = yuanText(r.preventionFeeFen, rng, true);
      if (r.cancelledOn !== null) el.CancelDate = compact(r.cancelledOn);
      el.BizTime = isoAt(sim.time, rng);
      return { kind: 'policy', name: 'Policy', el };
    }
    if (sim.kind === 'service') {
      const r = sim.record;
      const el: El = {
        '@id': noise.id(r.serviceId),
        '@seq': String(r.version),
        '@status': r.action === 'revoked' ? 'REVOKED' : 'VALID',
        PolicyNo: noise.id(r.policyNo) ?? '',
        Insured: insured(sim, noise, rng),
        Item: noise.coded(anyChinese(CHINESE.item, r.item, rng)),
        Form: noise.coded(chinese(CHINESE.form, r.form)),
        Provider: {
          '@kind': noise.coded(chinese(CHINESE.providerKind, r.provider.kind)),
          ...(r.provider.uscc === null ? {} : { '@creditCode': noise.uscc(r.provider.uscc) }),
          '#text': noise.text(r.provider.name),
        },
        Staff: r.staff.length
          ? {
              Person: r.staff.map((s) => ({
                ...(s.certificateNo ? { '@cert': noise.id(s.certificateNo) } : {}),
                '#text': noise.text(s.name),
              })),
            }
          : '',
        Start: isoAt(r.startedAt, rng),
        End: isoAt(r.endedAt, rng),
        Location: noise.text(r.location) ?? '',
        Summary: noise.text(r.summary) ?? '',
        HazardsFound: String(r.hazardsFound),
      };
      if (r.costFen !== null) el.Cost = yuanText(r.costFen, rng, true);
      if (r.revisit)
        el.Revisit = {
          '@at': isoAt(r.revisit.at, rng),
          '@satisfied': r.revisit.satisfied === null ? '' : String(r.revisit.satisfied),
          ...(r.revisit.note === null ? {} : { '#text': noise.text(r.revisit.note) }),
        };
      el.BizTime = isoAt(sim.time, rng);
      return { kind: 'service', name: 'Service', el };
    }
    if (sim.kind === 'accident') {
      const r = sim.record;
      const el: El = {
        '@id': noise.id(r.accidentId),
        '@seq': String(r.version),
        '@status': r.status.toUpperCase(),
        PolicyNo: noise.id(r.policyNo) ?? '',
        Insured: insured(sim, noise, rng),
        OccurredAt: isoAt(r.occurredAt, rng),
        Location: noise.text(r.location) ?? '',
        Category: noise.coded(anyChinese(CHINESE.accidentCategory, r.category, rng)),
        Grade: noise.coded(chinese(CHINESE.accidentGrade, r.grade)),
        Casualties: {
          '@deaths': String(r.deaths),
          '@serious': String(r.seriousInjuries),
          '@minor': String(r.minorInjuries),
        },
      };
      if (r.directLossFen !== null) el.DirectLoss = yuanText(r.directLossFen, rng, true);
      el.Description = noise.text(r.description);
      el.ReportedAt = isoAt(r.reportedToAuthorityAt, rng);
      el.BizTime = isoAt(sim.time, rng);
      return { kind: 'accident', name: 'Accident', el };
    }
    if (sim.kind === 'claim') {
      const r = sim.record;
      const money = (fen: number | null) => (fen === null ? '' : yuanText(fen, rng, true));
      const el: El = {
        '@id': noise.id(r.claimNo),
        '@seq': String(r.version),
        '@status': CLAIM_STATUS[r.action],
        PolicyNo: noise.id(r.policyNo),
        AccidentId: noise.id(r.accidentId) ?? '',
        Insured: insured(sim, noise, rng),
        FiledAt: isoAt(r.filedAt, rng),
        DocumentsCompleteAt: isoAt(r.documentsCompleteAt, rng),
        DecidedAt: isoAt(r.decidedAt, rng),
        Decision: r.decision === null ? '' : noise.coded(chinese(CHINESE.claimDecision, r.decision)),
        AgreedAt: isoAt(r.agreedAt, rng),
        PaidAt: isoAt(r.paidAt, rng),
        Amounts: { '@claimed': money(r.claimedFen), '@agreed': money(r.agreedFen), '@paid': money(r.paidFen) },
        Victims: String(r.victims),
        BizTime: isoAt(sim.time, rng),
      };
      return { kind: 'claim', name: 'Claim', el };
    }
    const r = sim.record;
    const el: El = {
      '@id': noise.id(r.hazardId),
      '@seq': String(r.version),
      ServiceId: noise.id(r.serviceId) ?? '',
      PolicyNo: noise.id(r.policyNo) ?? '',
      Insured: insured(sim, noise, rng),
      Level: noise.coded(r.level === 'major' ? '重大' : '一般'),
      Category: noise.text(r.category) ?? '',
      Description: noise.text(r.description),
      DiscoveredAt: isoAt(r.discoveredAt, rng),
      RectifyBy: compact(r.rectifyBy),
      Status: noise.coded(chinese(CHINESE.status, r.status)),
      RectifiedAt: isoAt(r.rectifiedAt, rng),
      BizTime: isoAt(sim.time, rng),
    };
    return { kind: 'hazard', name: 'Hazard', el };
  },

  plant(native, sim, defect: RecordDefect, rng) {
    const el = native.el;
    const path = PATHS[native.kind];
    switch (defect) {
      case 'MALFORMED_RECORD':
        native.name = rng.pick(['Invoice', 'Endorsement']);
        return;
      case 'MISSING_FIELD':
        if (native.kind === 'accident' || native.kind === 'claim') {
          setPath(el, rng.pick([path.id, 'BizTime', ...REQUIRED_V2[native.kind]]), '');
          return;
        }
        setPath(el, rng.chance(0.5) ? path.id : 'BizTime', '');
        return;
      case 'INVALID_USCC':
        setPath(el, 'Insured.CreditCode', breakUscc(sim.record.enterprise.uscc));
        return;
      case 'UNKNOWN_REGION':
        setPath(el, 'Insured.Region', rng.pick(['火星市某某县', '济宁市市中区', '370811']));
        return;
      case 'UNKNOWN_SECTOR':
        setPath(el, 'Insured.Industry', rng.pick(['互联网', '养殖业']));
        return;
      case 'INVALID_ENUM':
        if (native.kind === 'accident' && rng.chance(0.5)) setPath(el, rng.pick(['Category', 'Grade']), '特大');
        else if (native.kind === 'claim' && rng.chance(0.5)) setPath(el, 'Decision', '部分赔付');
        else setPath(el, path.enum, native.kind === 'policy' ? 'DELETE' : '未知');
        return;
      case 'INVALID_DATE':
        setPath(
          el,
          path.date,
          native.kind === 'policy' ? '20240230' : rng.pick(['2024-02-30T10:00:00+08:00', '2024-05-01T10:00:00']),
        );
        return;
      case 'INVALID_AMOUNT':
        setPath(el, path.amount, rng.pick(['12.345', '-5.00', '1,2345.00']));
        return;
      case 'INVALID_NUMBER':
        setPath(el, path.count, rng.pick(['abc', '-3', '0x10']));
        return;
      default:
        throw new Error(`CPIC cannot plant ${defect} in a rendered record`);
    }
  },

  serialize: (native, rng) => toXml(native.name, native.el, rng),

  head: (o) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<AJXBatch insurer="${escapeAttr(o.declaredInsurer)}" batchNo="${escapeAttr(o.batchNo)}" created="2025-07-01T10:00:00+08:00">\n`,
  tail: () => '</AJXBatch>\n',
  fileDefect: (defect, head) =>
    defect === 'doctype'
      ? head.replace(
          '\n<AJXBatch',
          '\n<!DOCTYPE AJXBatch [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<AJXBatch',
        )
      : head,
  encode: (text) => Buffer.from(text, 'utf8'),
};
