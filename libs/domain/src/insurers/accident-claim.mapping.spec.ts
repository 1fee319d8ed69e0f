import { validateCanonicalRecord, type AccidentRecord, type ClaimRecord, type RawRecord } from '@ajx/contracts';
import { createNormalizer, type NormalizeResult } from '../normalizer/normalizer';

/*
 * Data standard v2 (INSURER-FORMATS.md §6) record by record, in every native format: one valid accident and claim
 * per insurer, then single changes with the outcome §6 gives them.
 */

const normalizer = createNormalizer();
type Fields = Record<string, unknown>;

const ENTERPRISE = {
  uscc: '91330902971540106E',
  name: '舟山顺通煤业有限责任公司',
  regionCode: '330902',
  sector: 'coal_mining',
} as const;

/** The canonical accident every base record below stands for. */
const ACCIDENT: Omit<AccidentRecord, 'insurer'> = {
  accidentId: 'SG2024000001',
  action: 'updated',
  version: 2,
  policyNo: 'AZ2023000001',
  enterprise: ENTERPRISE,
  occurredAt: '2025-02-03T02:03:53+08:00',
  location: '舟山市定海区施工现场',
  category: 'boiler_explosion',
  grade: 'larger',
  deaths: 3,
  seriousInjuries: 2,
  minorInjuries: 5,
  directLossFen: 146560000,
  description: '锅炉爆炸',
  status: 'open',
  reportedToAuthorityAt: '2025-02-03T02:42:53+08:00',
};

const CLAIM: Omit<ClaimRecord, 'insurer'> = {
  claimNo: 'PA2024000001',
  action: 'paid',
  version: 4,
  policyNo: 'AZ2023000001',
  accidentId: 'SG2024000001',
  enterprise: ENTERPRISE,
  filedAt: '2025-02-05T20:03:53+08:00',
  documentsCompleteAt: '2025-02-07T20:03:53+08:00',
  decidedAt: '2025-03-07T20:03:53+08:00',
  decision: 'accept',
  agreedAt: '2025-03-09T20:03:53+08:00',
  paidAt: '2025-03-20T20:03:53+08:00',
  claimedFen: 64030500,
  agreedFen: 36935600,
  paidFen: 36935600,
  victims: 5,
};

const BIZ_TIME = '2025-03-31T02:03:53+08:00';
const ms = (dt: string) => Date.parse(dt);

interface Format {
  accident: Fields;
  claim: Fields;
  raw(kind: 'accident' | 'claim', fields: Fields): RawRecord;
}

const raw = (fields: Fields, envelope: Record<string, string | null>): RawRecord => ({
  recordIndex: 1,
  sourceId: null,
  envelope,
  fields,
  malformed: null,
});

const FORMATS: Record<string, Format> = {
  PICC: {
    accident: {
      事故编号: 'SG2024000001',
      版本: '2',
      事故状态: '处理中',
      保单号: 'AZ2023000001',
      统一社会信用代码: '91330902971540106E',
      企业名称: '舟山顺通煤业有限责任公司',
      行政区划代码: '330902',
      行业类别: '煤矿',
      发生时间: '2025-02-03 02:03:53',
      事故地点: '舟山市定海区施工现场',
      事故类别: '锅炉爆炸',
      事故等级: '较大',
      死亡人数: '3',
      重伤人数: '2',
      轻伤人数: '5',
      '直接经济损失(元)': '1,465,600.00',
      事故经过: '锅炉爆炸',
      报告时间: '2025-02-03 02:42:53',
      业务时间: '2025-03-31 02:03:53',
    },
    claim: {
      赔案号: 'PA2024000001',
      版本: '4',
      案件状态: '已赔付',
      保单号: 'AZ2023000001',
      事故编号: 'SG2024000001',
      统一社会信用代码: '91330902971540106E',
      企业名称: '舟山顺通煤业有限责任公司',
      行政区划代码: '330902',
      行业类别: '煤炭开采',
      报案时间: '2025-02-05 20:03:53',
      资料齐全时间: '2025-02-07 20:03:53',
      核定时间: '2025-03-07 20:03:53',
      核定结论: '赔付',
      达成协议时间: '2025-03-09 20:03:53',
      赔付时间: '2025-03-20 20:03:53',
      '索赔金额(元)': '640305',
      '协议金额(元)': '369356.00',
      '赔付金额(元)': '369,356.00',
      涉及人数: '5',
      业务时间: '2025-03-31 02:03:53',
    },
    raw: (kind, fields) => raw(fields, { kind }),
  },
  PINGAN: {
    accident: {
      recordType: 'ACCIDENT',
      accidentNo: 'SG2024000001',
      seq: 2,
      state: 'OPEN',
      policyNo: 'AZ2023000001',
      insured: {
        creditCode: '91330902971540106E',
        name: '舟山顺通煤业有限责任公司',
        areaCode: '330902',
        industryCode: 'B0610',
      },
      occurTime: ms(ACCIDENT.occurredAt) + 999,
      place: '舟山市定海区施工现场',
      accidentType: 16,
      grade: 'LARGER',
      deathCount: 3,
      seriousInjuryCount: 2,
      minorInjuryCount: 5,
      directLossFen: 146560000,
      desc: '锅炉爆炸',
      reportTime: ms(ACCIDENT.reportedToAuthorityAt!),
      bizTime: ms(BIZ_TIME),
    },
    claim: {
      recordType: 'CLAIM',
      claimNo: 'PA2024000001',
      seq: 4,
      state: 'PAID',
      policyNo: 'AZ2023000001',
      accidentNo: 'SG2024000001',
      insured: {
        creditCode: '91330902971540106E',
        name: '舟山顺通煤业有限责任公司',
        areaCode: '330902',
        industryCode: 'B06',
      },
      reportTime: ms(CLAIM.filedAt),
      docsCompleteTime: ms(CLAIM.documentsCompleteAt!),
      decideTime: ms(CLAIM.decidedAt!),
      decision: 'ACCEPT',
      agreeTime: ms(CLAIM.agreedAt!),
      payTime: ms(CLAIM.paidAt!),
      claimFen: 64030500,
      agreedFen: 36935600,
      paidFen: 36935600,
      victimCount: 5,
      bizTime: ms(BIZ_TIME),
    },
    raw: (_kind, fields) => raw(fields, {}),
  },
  CPIC: {
    accident: {
      '@id': 'SG2024000001',
      '@seq': '2',
      '@status': 'OPEN',
      PolicyNo: 'AZ2023000001',
      Insured: {
        CreditCode: '91330902971540106E',
        Name: '舟山順通煤業有限責任公司',
        Region: '浙江省舟山市定海区',
        Industry: '煤矿',
      },
      OccurredAt: '2025-02-02T18:03:53Z',
      Location: '舟山市定海区施工现场',
      Category: '鍋爐爆炸',
      Grade: '較大',
      Casualties: { '@deaths': '3', '@serious': '2', '@minor': '5' },
      DirectLoss: '1465600',
      Description: '锅炉爆炸',
      ReportedAt: '2025-02-03T02:42:53.250+08:00',
      BizTime: '2025-03-31T02:03:53+08:00',
    },
    claim: {
      '@id': 'PA2024000001',
      '@seq': '4',
      '@status': 'PAID',
      PolicyNo: 'AZ2023000001',
      AccidentId: 'SG2024000001',
      Insured: {
        CreditCode: '91330902971540106E',
        Name: '舟山顺通煤业有限责任公司',
        Region: '舟山市定海区',
        Industry: '煤矿',
      },
      FiledAt: '2025-02-05T20:03:53+08:00',
      DocumentsCompleteAt: '2025-02-07T20:03:53+08:00',
      DecidedAt: '2025-03-07T20:03:53+08:00',
      Decision: '賠付',
      AgreedAt: '2025-03-09T20:03:53+08:00',
      PaidAt: '2025-03-20T07:03:53-05:00',
      Amounts: { '@claimed': '640,305.00', '@agreed': '369356', '@paid': '369356.00' },
      Victims: '5',
      BizTime: '2025-03-31T02:03:53+08:00',
    },
    raw: (kind, fields) =>
      raw({ [kind === 'accident' ? 'Accident' : 'Claim']: fields }, { insurer: 'CPIC', batchNo: 'B', created: null }),
  },
  DADI: {
    accident: {
      lx: 'sg',
      sgbh: 'SG2024000001',
      bbh: 2,
      sgzt: '0',
      bdh: 'AZ2023000001',
      xydm: '91330902971540106E',
      qymc: '舟山顺通煤业有限责任公司',
      xzqh: '330902',
      hydm: 1,
      fssj: '2025/2/3 2:03:53',
      fsdd: '舟山市定海区施工现场',
      sglb: '016',
      sgdj: 2,
      swrs: '3',
      zsrs: 2,
      qsrs: '5',
      zjss: '1,465,600.00',
      sgjg: '锅炉爆炸',
      bgsj: '2025/2/3 2:42:53',
      ywsj: '2025/3/31 2:03:53',
    },
    claim: {
      lx: 'lp',
      pah: 'PA2024000001',
      bbh: '4',
      ajzt: 4,
      bdh: 'AZ2023000001',
      sgbh: 'SG2024000001',
      xydm: '91330902971540106E',
      qymc: '舟山顺通煤业有限责任公司',
      xzqh: '330902',
      hydm: '01',
      basj: '2025/2/5 20:03:53',
      zlqqsj: '2025/2/7 20:03:53',
      hdsj: '2025/3/7 20:03:53',
      hdjl: '01',
      xysj: '2025/3/9 20:03:53',
      pfsj: '2025/03/20 20:03:53',
      spje: 640305,
      xyje: '369,356.00',
      pfje: '369356',
      sjrs: 5,
      ywsj: '2025/3/31 2:03:53',
    },
    raw: (_kind, fields) => raw(fields, { gsdm: 'DADI', pch: 'B' }),
  },
};

const INSURERS = Object.keys(FORMATS);

/** Sets `path` (dotted, CPIC attributes as `@name`) in a copy of `fields`; `undefined` deletes it. */
function changed(fields: Fields, changes: Record<string, unknown>): Fields {
  const out = structuredClone(fields);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    let o = out;
    for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Fields;
    if (value === undefined) delete o[keys[keys.length - 1]];
    else o[keys[keys.length - 1]] = value;
  }
  return out;
}

function run(insurer: string, kind: 'accident' | 'claim', changes: Record<string, unknown> = {}): NormalizeResult {
  const f = FORMATS[insurer];
  return normalizer.normalize(insurer, f.raw(kind, changed(f[kind], changes)));
}

function outcome(r: NormalizeResult): string {
  return r.ok ? r.event.type : r.reject.code;
}

describe('data standard v2 mappings', () => {
  it.each(INSURERS)('%s: the base accident and claim give exactly the canonical records', (insurer) => {
    const a = run(insurer, 'accident');
    const c = run(insurer, 'claim');
    if (!a.ok || !c.ok) throw new Error(JSON.stringify([a, c]));
    expect(a.event.data).toEqual({ ...ACCIDENT, insurer });
    expect(c.event.data).toEqual({ ...CLAIM, insurer });
    expect(a.event).toMatchObject({ type: 'ajx.accident.updated', subject: ACCIDENT.accidentId, time: BIZ_TIME });
    expect(c.event).toMatchObject({ type: 'ajx.claim.paid', subject: CLAIM.claimNo, dataschema: 'urn:ajx:claim:v1' });
    expect(validateCanonicalRecord('accident', a.event.data)).toEqual([]);
    expect(validateCanonicalRecord('claim', c.event.data)).toEqual([]);
  });

  /** The same semantic change in each format's own field names and values. */
  const cases: [string, 'accident' | 'claim', Record<string, Record<string, unknown>>, string][] = [
    [
      'closed at version 1',
      'accident',
      {
        PICC: { 版本: '1', 事故状态: '已结案' },
        PINGAN: { seq: 1, state: 'CLOSED' },
        CPIC: { '@seq': '1', '@status': 'CLOSED' },
        DADI: { bbh: 1, sgzt: 1 },
      },
      'ajx.accident.closed',
    ],
    [
      'open at version 1',
      'accident',
      { PICC: { 版本: '1' }, PINGAN: { seq: 1 }, CPIC: { '@seq': '1' }, DADI: { bbh: '1' } },
      'ajx.accident.reported',
    ],
    [
      'version 0',
      'accident',
      { PICC: { 版本: '0' }, PINGAN: { seq: 0 }, CPIC: { '@seq': '0' }, DADI: { bbh: 0 } },
      'INVALID_NUMBER',
    ],
    [
      'no policy (optional on accidents)',
      'accident',
      { PICC: { 保单号: '' }, PINGAN: { policyNo: null }, CPIC: { PolicyNo: '' }, DADI: { bdh: '' } },
      'ajx.accident.updated',
    ],
    [
      'reported to the authority at the very time it occurred',
      'accident',
      {
        PICC: { 报告时间: '2025-02-03 02:03:53' },
        PINGAN: { reportTime: ms(ACCIDENT.occurredAt) },
        CPIC: { ReportedAt: '2025-02-03T02:03:53+08:00' },
        DADI: { bgsj: '2025/2/3 2:03:53' },
      },
      'ajx.accident.updated',
    ],
    [
      'reported to the authority a second before it occurred',
      'accident',
      {
        PICC: { 报告时间: '2025-02-03 02:03:52' },
        PINGAN: { reportTime: ms(ACCIDENT.occurredAt) - 1000 },
        CPIC: { ReportedAt: '2025-02-02T18:03:52Z' },
        DADI: { bgsj: '2025/2/3 2:03:52' },
      },
      'INVALID_PERIOD',
    ],
    [
      'never reported to the authority',
      'accident',
      { PICC: { 报告时间: '' }, PINGAN: { reportTime: null }, CPIC: { ReportedAt: '' }, DADI: { bgsj: '' } },
      'ajx.accident.updated',
    ],
    [
      'a category outside GB 6441',
      'accident',
      { PICC: { 事故类别: '踩踏' }, PINGAN: { accidentType: 21 }, CPIC: { Category: '爆炸' }, DADI: { sglb: 0 } },
      'INVALID_ENUM',
    ],
    [
      'no category',
      'accident',
      { PICC: { 事故类别: '' }, PINGAN: { accidentType: null }, CPIC: { Category: '' }, DADI: { sglb: '' } },
      'MISSING_FIELD',
    ],
    [
      'a grade outside the regulation (特大 is not 特别重大)',
      'accident',
      { PICC: { 事故等级: '特大' }, PINGAN: { grade: 'HUGE' }, CPIC: { Grade: '特大' }, DADI: { sgdj: 5 } },
      'INVALID_ENUM',
    ],
    [
      'a grade contradicting the casualties (a supervision finding, not a reject)',
      'accident',
      {
        PICC: { 事故等级: '一般', 死亡人数: '35' },
        PINGAN: { grade: 'GENERAL', deathCount: 35 },
        CPIC: { Grade: '一般', 'Casualties.@deaths': '35' },
        DADI: { sgdj: '1', swrs: 35 },
      },
      'ajx.accident.updated',
    ],
    [
      'a negative count',
      'accident',
      {
        PICC: { 重伤人数: '-1' },
        PINGAN: { seriousInjuryCount: -1 },
        CPIC: { 'Casualties.@serious': '-1' },
        DADI: { zsrs: -1 },
      },
      'INVALID_NUMBER',
    ],
    [
      'a count that is not an integer',
      'accident',
      {
        PICC: { 轻伤人数: '1.5' },
        PINGAN: { minorInjuryCount: 1.5 },
        CPIC: { 'Casualties.@minor': '两' },
        DADI: { qsrs: 'abc' },
      },
      'INVALID_NUMBER',
    ],
    [
      'no count of deaths',
      'accident',
      {
        PICC: { 死亡人数: '' },
        PINGAN: { deathCount: null },
        CPIC: { 'Casualties.@deaths': undefined },
        DADI: { swrs: '' },
      },
      'MISSING_FIELD',
    ],
    [
      'a direct loss with three decimals',
      'accident',
      {
        PICC: { '直接经济损失(元)': '12.345' },
        PINGAN: { directLossFen: 12.5 },
        CPIC: { DirectLoss: '12.345' },
        DADI: { zjss: '12.345' },
      },
      'INVALID_AMOUNT',
    ],
    [
      'no description',
      'accident',
      { PICC: { 事故经过: ' ' }, PINGAN: { desc: '' }, CPIC: { Description: '' }, DADI: { sgjg: '\u3000' } },
      'MISSING_FIELD',
    ],
    [
      'a description of 4001 characters',
      'accident',
      {
        PICC: { 事故经过: '事'.repeat(4001) },
        PINGAN: { desc: '事'.repeat(4001) },
        CPIC: { Description: '事'.repeat(4001) },
        DADI: { sgjg: '事'.repeat(4001) },
      },
      'FIELD_TOO_LONG',
    ],
    [
      'an unknown status',
      'accident',
      { PICC: { 事故状态: '已撤销' }, PINGAN: { state: 'DONE' }, CPIC: { '@status': 'DONE' }, DADI: { sgzt: 2 } },
      'INVALID_ENUM',
    ],
    [
      'no business time',
      'accident',
      { PICC: { 业务时间: '' }, PINGAN: { bizTime: null }, CPIC: { BizTime: '' }, DADI: { ywsj: '' } },
      'MISSING_FIELD',
    ],
    [
      'filed, nothing else yet',
      'claim',
      {
        PICC: {
          案件状态: '已报案',
          资料齐全时间: '',
          核定时间: '',
          核定结论: '',
          达成协议时间: '',
          赔付时间: '',
          '协议金额(元)': '',
          '赔付金额(元)': '',
        },
        PINGAN: {
          state: 'FILED',
          docsCompleteTime: null,
          decideTime: null,
          decision: null,
          agreeTime: null,
          payTime: null,
          agreedFen: null,
          paidFen: null,
        },
        CPIC: {
          '@status': 'FILED',
          DocumentsCompleteAt: '',
          DecidedAt: '',
          Decision: '',
          AgreedAt: '',
          PaidAt: '',
          'Amounts.@agreed': '',
          'Amounts.@paid': '',
        },
        DADI: { ajzt: '1', zlqqsj: '', hdsj: '', hdjl: '', xysj: '', pfsj: '', xyje: '', pfje: '' },
      },
      'ajx.claim.filed',
    ],
    [
      'paid without a payment time',
      'claim',
      { PICC: { 赔付时间: '' }, PINGAN: { payTime: null }, CPIC: { PaidAt: '' }, DADI: { pfsj: '' } },
      'MISSING_FIELD',
    ],
    [
      'paid without a paid amount',
      'claim',
      {
        PICC: { '赔付金额(元)': '' },
        PINGAN: { paidFen: undefined },
        CPIC: { 'Amounts.@paid': '' },
        DADI: { pfje: '' },
      },
      'MISSING_FIELD',
    ],
    [
      'rejected without a decision time',
      'claim',
      {
        PICC: { 案件状态: '已拒赔', 核定时间: '', 赔付时间: '', '赔付金额(元)': '' },
        PINGAN: { state: 'REJECTED', decideTime: null },
        CPIC: { '@status': 'REJECTED', DecidedAt: '' },
        DADI: { ajzt: '05', hdsj: '' },
      },
      'MISSING_FIELD',
    ],
    [
      'rejected, keeping what the insurer sent (decision, payment) as given',
      'claim',
      {
        PICC: { 案件状态: '已拒赔' },
        PINGAN: { state: 'REJECTED' },
        CPIC: { '@status': 'REJECTED' },
        DADI: { ajzt: 5 },
      },
      'ajx.claim.rejected',
    ],
    [
      'withdrawn with no time but the filing',
      'claim',
      {
        PICC: { 案件状态: '已撤案', 资料齐全时间: '', 核定时间: '', 核定结论: '', 达成协议时间: '', 赔付时间: '' },
        PINGAN: {
          state: 'WITHDRAWN',
          docsCompleteTime: null,
          decideTime: null,
          decision: null,
          agreeTime: null,
          payTime: null,
        },
        CPIC: {
          '@status': 'WITHDRAWN',
          DocumentsCompleteAt: '',
          DecidedAt: '',
          Decision: '',
          AgreedAt: '',
          PaidAt: '',
        },
        DADI: { ajzt: 6, zlqqsj: '', hdsj: '', hdjl: '', xysj: '', pfsj: '' },
      },
      'ajx.claim.withdrawn',
    ],
    [
      'amounts that disagree with each other (a supervision finding, not a reject)',
      'claim',
      {
        PICC: { '赔付金额(元)': '9999999.99' },
        PINGAN: { paidFen: 999999999 },
        CPIC: { 'Amounts.@paid': '9999999.99' },
        DADI: { pfje: '9,999,999.99' },
      },
      'ajx.claim.paid',
    ],
    [
      'decided at the very time it was filed',
      'claim',
      {
        PICC: { 资料齐全时间: '2025-02-05 20:03:53', 核定时间: '2025-02-05 20:03:53' },
        PINGAN: { docsCompleteTime: ms(CLAIM.filedAt) + 500, decideTime: ms(CLAIM.filedAt) },
        CPIC: { DocumentsCompleteAt: '2025-02-05T12:03:53Z', DecidedAt: '2025-02-05T20:03:53+08:00' },
        DADI: { zlqqsj: '2025/2/5 20:03:53', hdsj: '2025/2/5 20:03:53' },
      },
      'ajx.claim.paid',
    ],
    [
      'decided a second before it was filed',
      'claim',
      {
        PICC: { 核定时间: '2025-02-05 20:03:52' },
        PINGAN: { decideTime: ms(CLAIM.filedAt) - 1000 },
        CPIC: { DecidedAt: '2025-02-05T12:03:52Z' },
        DADI: { hdsj: '2025/2/5 20:03:52' },
      },
      'INVALID_PERIOD',
    ],
    [
      'paid before it was filed',
      'claim',
      {
        PICC: { 赔付时间: '2024-02-05 20:03:53' },
        PINGAN: { payTime: ms('2024-02-05T20:03:53+08:00') },
        CPIC: { PaidAt: '2024-02-05T20:03:53+08:00' },
        DADI: { pfsj: '2024/2/5 20:03:53' },
      },
      'INVALID_PERIOD',
    ],
    [
      'documents complete before it was filed',
      'claim',
      {
        PICC: { 资料齐全时间: '2025-02-01 20:03:53' },
        PINGAN: { docsCompleteTime: ms('2025-02-01T20:03:53+08:00') },
        CPIC: { DocumentsCompleteAt: '2025-02-01T20:03:53+08:00' },
        DADI: { zlqqsj: '2025/2/1 20:03:53' },
      },
      'INVALID_PERIOD',
    ],
    [
      'no policy (required on claims)',
      'claim',
      { PICC: { 保单号: '' }, PINGAN: { policyNo: undefined }, CPIC: { PolicyNo: undefined }, DADI: { bdh: '' } },
      'MISSING_FIELD',
    ],
    [
      'no accident (optional on claims)',
      'claim',
      { PICC: { 事故编号: '' }, PINGAN: { accidentNo: null }, CPIC: { AccidentId: '' }, DADI: { sgbh: '' } },
      'ajx.claim.paid',
    ],
    [
      'no claimed amount',
      'claim',
      {
        PICC: { '索赔金额(元)': '' },
        PINGAN: { claimFen: null },
        CPIC: { 'Amounts.@claimed': '' },
        DADI: { spje: '' },
      },
      'MISSING_FIELD',
    ],
    [
      'a negative claimed amount',
      'claim',
      {
        PICC: { '索赔金额(元)': '-1.00' },
        PINGAN: { claimFen: -1 },
        CPIC: { 'Amounts.@claimed': '-1' },
        DADI: { spje: -1 },
      },
      'INVALID_AMOUNT',
    ],
    [
      'no victims',
      'claim',
      { PICC: { 涉及人数: '' }, PINGAN: { victimCount: null }, CPIC: { Victims: '' }, DADI: { sjrs: '' } },
      'MISSING_FIELD',
    ],
    [
      'an unknown status',
      'claim',
      { PICC: { 案件状态: '已结案' }, PINGAN: { state: 'CLOSED' }, CPIC: { '@status': 'CLOSED' }, DADI: { ajzt: 7 } },
      'INVALID_ENUM',
    ],
    [
      'an unknown decision',
      'claim',
      {
        PICC: { 核定结论: '部分赔付' },
        PINGAN: { decision: 'PARTIAL' },
        CPIC: { Decision: '部分赔付' },
        DADI: { hdjl: 3 },
      },
      'INVALID_ENUM',
    ],
    [
      'a datetime that does not exist',
      'claim',
      {
        PICC: { 报案时间: '2024-02-30 10:00:00' },
        PINGAN: { reportTime: '2025-02-05' },
        CPIC: { FiledAt: '2025-02-05T20:03:53' },
        DADI: { basj: '2025/2/5 24:03:53' },
      },
      'INVALID_DATE',
    ],
  ];

  for (const [what, kind, byInsurer, want] of cases)
    it.each(INSURERS)(`%s ${kind}: ${what} → ${want}`, (insurer) => {
      expect(outcome(run(insurer, kind, byInsurer[insurer]))).toBe(want);
    });

  it('reads the category aliases and Traditional Chinese names (PICC, CPIC)', () => {
    const category = (insurer: 'PICC' | 'CPIC', name: string) => {
      const r = run(insurer, 'accident', insurer === 'PICC' ? { 事故类别: name } : { Category: name });
      return r.ok ? (r.event.data as AccidentRecord).category : r.reject.code;
    };
    for (const insurer of ['PICC', 'CPIC'] as const) {
      expect(category(insurer, '其它爆炸')).toBe('other_explosion');
      expect(category(insurer, '其他爆炸')).toBe('other_explosion');
      expect(category(insurer, '中毒和窒息')).toBe('poisoning_asphyxiation');
      expect(category(insurer, ' 中毒窒息 ')).toBe('poisoning_asphyxiation');
      expect(category(insurer, '其它傷害')).toBe('other_injury');
      expect(category(insurer, '觸電')).toBe('electrocution');
      expect(category(insurer, '高處墜落')).toBe('fall_from_height');
      expect(category(insurer, '5')).toBe('INVALID_ENUM');
    }
  });

  it('PINGAN: accidentType is a JSON integer 1–20; a string is INVALID_ENUM, an empty one missing', () => {
    const type = (v: unknown) => outcome(run('PINGAN', 'accident', { accidentType: v }));
    expect(type(1)).toBe('ajx.accident.updated');
    expect(type(20)).toBe('ajx.accident.updated');
    for (const bad of ['16', 0, 21, 16.5, -1, true]) expect([bad, type(bad)]).toEqual([bad, 'INVALID_ENUM']);
    expect(type('')).toBe('MISSING_FIELD');
    const r = run('PINGAN', 'accident', { accidentType: 19 });
    expect(r.ok && (r.event.data as AccidentRecord).category).toBe('poisoning_asphyxiation');
  });

  it('PINGAN: reportTime is 报告 on an accident and 报案 on a claim', () => {
    const a = run('PINGAN', 'accident');
    const c = run('PINGAN', 'claim');
    expect(a.ok && (a.event.data as AccidentRecord).reportedToAuthorityAt).toBe(ACCIDENT.reportedToAuthorityAt);
    expect(c.ok && (c.event.data as ClaimRecord).filedAt).toBe(CLAIM.filedAt);
    expect(outcome(run('PINGAN', 'claim', { reportTime: null }))).toBe('MISSING_FIELD');
  });

  it('DADI: coded numbers are JSON integers or digit strings with leading zeros; sgdj 0 is no accident grade', () => {
    const grade = (v: unknown) => {
      const r = run('DADI', 'accident', { sgdj: v });
      return r.ok ? (r.event.data as AccidentRecord).grade : r.reject.code;
    };
    expect([grade(1), grade('2'), grade('003'), grade(' 4 '), grade(4)]).toEqual([
      'general',
      'larger',
      'major',
      'especially_major',
      'especially_major',
    ]);
    for (const bad of [0, '0', '00', '2.0', 2.5, '+2', '二', '２', true, -1])
      expect([bad, grade(bad)]).toEqual([bad, 'INVALID_ENUM']);
    expect(grade('')).toBe('MISSING_FIELD');
    expect(grade(null)).toBe('MISSING_FIELD');
    const category = (v: unknown) => {
      const r = run('DADI', 'accident', { sglb: v });
      return r.ok ? (r.event.data as AccidentRecord).category : r.reject.code;
    };
    expect([category('1'), category(20), category('0020'), category(21), category('99999999999999999999')]).toEqual([
      'struck_by_object',
      'other_injury',
      'other_injury',
      'INVALID_ENUM',
      'INVALID_ENUM',
    ]);
    const decision = (v: unknown) => {
      const r = run('DADI', 'claim', { hdjl: v });
      return r.ok ? (r.event.data as ClaimRecord).decision : r.reject.code;
    };
    expect([decision(1), decision('2'), decision(''), decision(null), decision(0)]).toEqual([
      'accept',
      'reject',
      null,
      null,
      'INVALID_ENUM',
    ]);
    const status = (v: unknown) => outcome(run('DADI', 'claim', { ajzt: v }));
    expect([status('001'), status(2), status('3'), status(4), status('5'), status(6)]).toEqual([
      'ajx.claim.filed',
      'ajx.claim.assessed',
      'ajx.claim.agreed',
      'ajx.claim.paid',
      'ajx.claim.rejected',
      'ajx.claim.withdrawn',
    ]);
    expect(status(0)).toBe('INVALID_ENUM');
    expect(outcome(run('DADI', 'accident', { sgzt: '00' }))).toBe('ajx.accident.updated');
    expect(outcome(run('DADI', 'accident', { sgzt: '' }))).toBe('MISSING_FIELD');
  });

  it('compares periods at the canonical precision: within the same second is equal, so valid', () => {
    const at = ms(ACCIDENT.occurredAt);
    expect(outcome(run('PINGAN', 'accident', { occurTime: at + 900, reportTime: at + 200 }))).toBe(
      'ajx.accident.updated',
    );
    expect(outcome(run('PINGAN', 'accident', { occurTime: at + 900, reportTime: at - 100 }))).toBe('INVALID_PERIOD');
    expect(
      outcome(
        run('CPIC', 'accident', { OccurredAt: '2025-02-03T02:03:53.9+08:00', ReportedAt: '2025-02-02T18:03:53.2Z' }),
      ),
    ).toBe('ajx.accident.updated');
    expect(outcome(run('PINGAN', 'claim', { reportTime: ms(CLAIM.filedAt) + 999, payTime: ms(CLAIM.filedAt) }))).toBe(
      'ajx.claim.paid',
    );
  });

  it('reads counts and versions as in v1: a JSON integer or digit text in every format', () => {
    const r = run('PINGAN', 'accident', { deathCount: '3', seq: '2' });
    expect(r.ok && r.event.data).toMatchObject({ deaths: 3, version: 2 });
    expect(outcome(run('PINGAN', 'claim', { victimCount: '5.0' }))).toBe('INVALID_NUMBER');
  });

  it('keeps a decision and times that do not fit the status as given', () => {
    const r = run('PICC', 'claim', { 案件状态: '已报案', 核定结论: '拒赔' });
    expect(r.ok && r.event.data).toMatchObject({ action: 'filed', decision: 'reject', paidFen: 36935600 });
  });

  it('refuses what the CPIC structure does not allow: repeated Casualties, missing Insured', () => {
    const twice = run('CPIC', 'accident', {
      Casualties: [
        { '@deaths': '1', '@serious': '0', '@minor': '0' },
        { '@deaths': '1', '@serious': '0', '@minor': '0' },
      ],
    });
    expect(outcome(twice)).toBe('MALFORMED_RECORD');
    expect(outcome(run('CPIC', 'claim', { Insured: undefined }))).toBe('MISSING_FIELD');
    expect(outcome(run('CPIC', 'accident', { Casualties: undefined }))).toBe('MISSING_FIELD');
  });
});
