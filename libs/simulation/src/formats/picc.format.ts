import type { RecordKind } from '@ajx/contracts';
import { PICC_HEADERS, SECTOR_NAMES } from '@ajx/domain';
import * as iconv from 'iconv-lite';
import { ALL_SECTORS } from '../canonical-records';
import type { Noise } from '../noise';
import type { Random } from '../random';
import { pctText, yuanText, type NativeFormat, type RecordDefect } from './native-format';
import { CHINESE, anyChinese, chinese, pickName } from './chinese-names';

type Row = Record<string, string>;

const ACTION = { issued: '新保', renewed: '续保', endorsed: '批改', cancelled: '退保' };
const dateTime = (dt: string | null): string => (dt ? `${dt.slice(0, 10)} ${dt.slice(11, 19)}` : '');
const yesNo = (b: boolean | null): string => (b === null ? '' : b ? '是' : '否');

/** Which column carries each plantable defect, per kind. */
const ROLES: Record<RecordKind, Record<string, string>> = {
  policy: { id: '保单号', enum: '记录类型', date: '保险起期', amount: '保费(元)', count: '从业人数' },
  service: { id: '服务编号', enum: '服务形式', date: '开始时间', amount: '服务费用(元)', count: '发现隐患数' },
  hazard: { id: '隐患编号', enum: '整改状态', date: '发现时间', amount: '', count: '版本' },
  accident: { id: '事故编号', enum: '事故等级', date: '发生时间', amount: '直接经济损失(元)', count: '死亡人数' },
  claim: { id: '赔案号', enum: '案件状态', date: '报案时间', amount: '索赔金额(元)', count: '涉及人数' },
};

/** A v2 field that must not be empty, besides the id and the business time (MISSING_FIELD). */
const REQUIRED_V2: Record<'accident' | 'claim', readonly string[]> = {
  accident: ['事故经过', '事故类别', '轻伤人数', '发生时间'],
  claim: ['保单号', '报案时间', '索赔金额(元)', '涉及人数'],
};

function csvCell(value: string, rng: Random, noise: Noise): string {
  const must = /[",\r\n]/.test(value);
  if (!must && !(noise.level > 0 && value && rng.chance(noise.level / 4))) return value;
  return `"${value.replace(/"/g, '""')}"`;
}

/** PICC: GBK CSV, CRLF, one kind per file, Chinese header. */
export const PICC_FORMAT: NativeFormat<{ kind: RecordKind; row: Row; extraColumn?: boolean }> = {
  insurer: 'PICC',
  profile: { sectors: ALL_SECTORS, industryCode: false, staffCertificates: true },
  mixedKinds: false,
  fileDefects: ['header'],
  separator: '\r\n',
  blankLine: '',

  render(sim, noise, rng) {
    const e = sim.record.enterprise;
    const common = {
      统一社会信用代码: noise.uscc(e.uscc)!,
      企业名称: noise.text(e.name)!,
      行政区划代码: noise.id(e.regionCode)!,
      行业类别: noise.coded(pickName(SECTOR_NAMES[e.sector], rng)),
      业务时间: dateTime(sim.time),
    };
    if (sim.kind === 'policy') {
      const r = sim.record;
      const f = r.premium.factors;
      return {
        kind: 'policy',
        row: {
          ...common,
          记录类型: ACTION[r.action],
          保单号: noise.id(r.policyNo)!,
          批改序号: String(r.version),
          从业人数: String(r.enterprise.employeeCount),
          参保人数: String(r.coverage.insuredHeadcount),
          保险起期: r.coverage.start,
          保险止期: r.coverage.end,
          '保费(元)': yuanText(r.premium.amountFen, rng, true),
          '每人责任限额(元)':
            r.coverage.perPersonLimitFen === null ? '' : yuanText(r.coverage.perPersonLimitFen, rng, true),
          '累计责任限额(元)': r.coverage.totalLimitFen === null ? '' : yuanText(r.coverage.totalLimitFen, rng, true),
          安全标准化等级:
            f.standardization === null ? '' : noise.coded(chinese(CHINESE.standardization, f.standardization)),
          安全文化示范: f.safetyCulture === null ? '' : noise.coded(chinese(CHINESE.safetyCulture, f.safetyCulture)),
          安全生产先进单位: f.advancedUnit === null ? '' : noise.coded(chinese(CHINESE.advancedUnit, f.advancedUnit)),
          上年度事故:
            f.priorYearAccident === null ? '' : noise.coded(chinese(CHINESE.priorYearAccident, f.priorYearAccident)),
          '费率浮动(%)': r.premium.adjustmentPct === null ? '' : pctText(r.premium.adjustmentPct, rng),
          '预防服务费(元)': r.preventionFeeFen === null ? '' : yuanText(r.preventionFeeFen, rng, true),
          联系人: noise.text(r.contact.name) ?? '',
          联系电话: noise.phone(r.contact.phone) ?? '',
          退保日期: r.cancelledOn ?? '',
        },
      };
    }
    if (sim.kind === 'service') {
      const r = sim.record;
      return {
        kind: 'service',
        row: {
          ...common,
          服务编号: noise.id(r.serviceId)!,
          版本: String(r.version),
          记录状态: r.action === 'revoked' ? '撤销' : '有效',
          保单号: noise.id(r.policyNo) ?? '',
          服务项目: noise.coded(anyChinese(CHINESE.item, r.item, rng)),
          服务形式: noise.coded(chinese(CHINESE.form, r.form)),
          服务机构类型: r.provider.kind === 'insurer' ? '保险机构' : '第三方',
          服务机构名称: noise.text(r.provider.name)!,
          服务机构信用代码: noise.uscc(r.provider.uscc) ?? '',
          服务人员: r.staff.map((s) => (s.certificateNo ? `${s.name}/${s.certificateNo}` : s.name)).join(';'),
          开始时间: dateTime(r.startedAt),
          结束时间: dateTime(r.endedAt),
          服务地点: noise.text(r.location) ?? '',
          服务内容: noise.text(r.summary?.replace(/\n/g, rng.chance(0.5) ? '\r\n' : '\n') ?? null) ?? '',
          发现隐患数: String(r.hazardsFound),
          '服务费用(元)': r.costFen === null ? '' : yuanText(r.costFen, rng, true),
          回访时间: dateTime(r.revisit?.at ?? null),
          回访满意: yesNo(r.revisit?.satisfied ?? null),
          回访意见: noise.text(r.revisit?.note ?? null) ?? '',
        },
      };
    }
    if (sim.kind === 'accident') {
      const r = sim.record;
      return {
        kind: 'accident',
        row: {
          ...common,
          事故编号: noise.id(r.accidentId)!,
          版本: String(r.version),
          事故状态: noise.coded(chinese(CHINESE.accidentStatus, r.status)),
          保单号: noise.id(r.policyNo) ?? '',
          发生时间: dateTime(r.occurredAt),
          事故地点: noise.text(r.location) ?? '',
          事故类别: noise.coded(anyChinese(CHINESE.accidentCategory, r.category, rng)),
          事故等级: noise.coded(chinese(CHINESE.accidentGrade, r.grade)),
          死亡人数: String(r.deaths),
          重伤人数: String(r.seriousInjuries),
          轻伤人数: String(r.minorInjuries),
          '直接经济损失(元)': r.directLossFen === null ? '' : yuanText(r.directLossFen, rng, true),
          事故经过: noise.text(r.description)!,
          报告时间: dateTime(r.reportedToAuthorityAt),
        },
      };
    }
    if (sim.kind === 'claim') {
      const r = sim.record;
      const money = (fen: number | null) => (fen === null ? '' : yuanText(fen, rng, true));
      return {
        kind: 'claim',
        row: {
          ...common,
          赔案号: noise.id(r.claimNo)!,
          版本: String(r.version),
          案件状态: noise.coded(chinese(CHINESE.claimStatus, r.action)),
          保单号: noise.id(r.policyNo)!,
          事故编号: noise.id(r.accidentId) ?? '',
          报案时间: dateTime(r.filedAt),
          资料齐全时间: dateTime(r.documentsCompleteAt),
          核定时间: dateTime(r.decidedAt),
          核定结论: r.decision === null ? '' : noise.coded(chinese(CHINESE.claimDecision, r.decision)),
          达成协议时间: dateTime(r.agreedAt),
          赔付时间: dateTime(r.paidAt),
          '索赔金额(元)': money(r.claimedFen),
          '协议金额(元)': money(r.agreedFen),
          '赔付金额(元)': money(r.paidFen),
          涉及人数: String(r.victims),
        },
      };
    }
    const r = sim.record;
    return {
      kind: 'hazard',
      row: {
        ...common,
        隐患编号: noise.id(r.hazardId)!,
        版本: String(r.version),
        服务编号: noise.id(r.serviceId) ?? '',
        保单号: noise.id(r.policyNo) ?? '',
        隐患等级: r.level === 'major' ? '重大' : '一般',
        隐患类别: noise.text(r.category) ?? '',
        隐患描述: noise.text(r.description)!,
        发现时间: dateTime(r.discoveredAt),
        整改期限: r.rectifyBy ?? '',
        整改状态: chinese(CHINESE.status, r.status),
        整改完成时间: dateTime(r.rectifiedAt),
      },
    };
  },

  plant(native, sim, defect: RecordDefect, rng) {
    const row = native.row;
    const roles = ROLES[native.kind];
    switch (defect) {
      case 'MALFORMED_RECORD':
        native.extraColumn = true;
        return;
      case 'MISSING_FIELD':
        if (native.kind === 'accident' || native.kind === 'claim') {
          row[rng.pick([roles.id, '业务时间', ...REQUIRED_V2[native.kind]])] = '';
          return;
        }
        row[rng.chance(0.5) ? roles.id : '业务时间'] = '';
        return;
      case 'INVALID_USCC':
        row['统一社会信用代码'] = breakUscc(sim.record.enterprise.uscc);
        return;
      case 'UNKNOWN_REGION':
        row['行政区划代码'] = rng.pick(['999999', '370800', '12345']);
        return;
      case 'UNKNOWN_SECTOR':
        row['行业类别'] = rng.pick(['互联网', '金融', '餐饮']);
        return;
      case 'INVALID_ENUM':
        if (native.kind === 'accident' && rng.chance(0.5)) row['事故类别'] = rng.pick(['特大爆炸', '9']);
        else if (native.kind === 'claim' && rng.chance(0.5)) row['核定结论'] = '部分赔付';
        else row[roles.enum] = native.kind === 'accident' ? '特大' : '作废';
        return;
      case 'INVALID_DATE':
        row[roles.date] =
          native.kind === 'policy' ? rng.pick(['2024-02-30', '2023-13-01', '20230401x']) : '2024-02-30 10:00:00';
        return;
      case 'INVALID_AMOUNT':
        row[roles.amount] = rng.pick(['12.345', '-100.00', '1,23.00', '十元']);
        return;
      case 'INVALID_NUMBER':
        row[roles.count] = rng.pick(['abc', '-3', '1.5']);
        return;
      default:
        throw new Error(`PICC cannot plant ${defect} in a rendered record`);
    }
  },

  serialize(native, rng, noise) {
    const cells = PICC_HEADERS[native.kind].map((h) => csvCell(native.row[h] ?? '', rng, noise));
    if (native.extraColumn) cells.push('多余');
    return cells.join(',');
  },

  head: (o) => PICC_HEADERS[o.kind ?? 'policy'].join(',') + '\r\n',
  tail: () => '',
  fileDefect: (_d, head) =>
    head.replace('保单号', '保单编号').replace('服务编号', '服务编码').replace('隐患编号', '隐患编码'),
  encode: (text) => iconv.encode(text, 'gb18030'),
};

/** The same USCC with a wrong check character. */
export function breakUscc(uscc: string): string {
  return uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');
}
