/** Chinese names of the codes the API returns. */
export const SECTORS: Record<string, string> = {
  coal_mining: '煤矿',
  non_coal_mining: '非煤矿山',
  hazardous_chemicals: '危险化学品',
  fireworks: '烟花爆竹',
  civil_explosives: '民用爆炸物品',
  metal_smelting: '金属冶炼',
  construction: '建筑施工',
  road_transport: '道路运输',
  water_transport: '水上运输',
  fishery: '渔业生产',
  city_gas: '城镇燃气',
  power: '电力',
  building_materials: '建材',
  machinery: '机械',
  dust_explosion: '粉尘涉爆',
  other: '其他',
};
export const KINDS: Record<string, string> = {
  policies: '保单',
  services: '事故预防服务',
  hazards: '隐患',
  accidents: '事故',
  claims: '理赔',
};
/** One feed entry's kind (singular, as the feed answers it). */
export const ENTRY_KINDS: Record<string, string> = {
  policy: '保单',
  service: '事故预防服务',
  hazard: '隐患',
  accident: '事故',
  claim: '理赔',
  finding: '监管发现',
  report: '报表',
};
export const SEVERITIES: Record<string, string> = { info: '提示', warning: '警告', violation: '违规' };
/** A record's status in a department's view (the router's: policies, services; the record's own: the rest). */
const RECORD_STATUSES: Record<string, string> = {
  active: '有效',
  cancelled: '已退保',
  valid: '有效',
  revoked: '已撤销',
  rectifying: '整改中',
  rectified: '已整改',
  closed: '已结案',
  filed: '已报案',
  assessed: '已定损',
  agreed: '已达成协议',
  paid: '已赔付',
  rejected: '已拒赔',
  withdrawn: '已撤案',
};
/** `open` means different things by collection: a hazard waits for rectification, an accident is being handled. */
export function recordStatusName(status: string | null, collection: string): string {
  if (!status) return '—';
  if (status === 'open') return collection === 'hazards' ? '待整改' : '处理中';
  return RECORD_STATUSES[status] ?? status;
}
/** What a version of a record did (its action). */
export const ACTIONS: Record<string, string> = {
  issued: '出单',
  renewed: '续保',
  endorsed: '批改',
  cancelled: '退保',
  recorded: '登记',
  amended: '更正',
  revoked: '撤销',
  reported: '报告',
  updated: '更新',
  rectified: '整改完成',
  closed: '结案',
  filed: '报案',
  assessed: '定损',
  agreed: '达成赔付协议',
  paid: '赔付',
  rejected: '拒赔',
  withdrawn: '撤案',
};
/** A finding's history entry. */
export const FINDING_CHANGES: Record<string, string> = {
  opened: '发现',
  updated: '更新',
  resolved: '已解决',
  reopened: '再次发现',
  confirmed: '确认',
  dismissed: '驳回',
};
/** A webhook delivery's and a DLQ entry's state; a principal's type. */
export const DELIVERY_STATES: Record<string, string> = { pending: '待推送', delivered: '已送达', dead: '已放弃' };
export const DLQ_STATUSES: Record<string, string> = { open: '待处理', resolved: '已解决' };
export const PRINCIPAL_TYPES: Record<string, string> = {
  insurer: '保险机构',
  department: '部门',
  province: '省级平台',
  operator: '运维',
};
export const entryKindName = (k: string) => ENTRY_KINDS[k] ?? k;
export const severityName = (s: string) => SEVERITIES[s] ?? s;
export const GRADES: Record<string, string> = {
  general: '一般',
  larger: '较大',
  major: '重大',
  especially_major: '特别重大',
};
/** A hazard's level or an accident's grade (一般, 较大, 重大, 特别重大). */
export const levelName = (l: string | null) => (l ? (GRADES[l] ?? l) : '—');
/** The rules over accidents and claims (SUPERVISION.md, "Rules over accidents and claims"). */
const ACCIDENT_CLAIM_RULES = new Set([
  'ACCIDENT_REPORTED_LATE',
  'GRADE_MISMATCH',
  'CLAIM_DECISION_LATE',
  'CLAIM_PAYMENT_LATE',
  'ACCIDENT_FACTOR_UNDERSTATED',
]);
export const isAccidentOrClaimRule = (rule: string) => ACCIDENT_CLAIM_RULES.has(rule);
export const STATES: Record<string, string> = { open: '未解决', resolved: '已解决' };
export const DECISIONS: Record<string, string> = { confirmed: '已确认', dismissed: '已驳回' };
export const sectorName = (s: string) => SECTORS[s] ?? s;

/** An instant as Beijing wall-clock time, `YYYY-MM-DD HH:mm:ss` (the API answers ISO 8601 in UTC). */
export function beijingTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** An amount in fen (分) as yuan (元), grouped the Chinese way. */
export const yuan = (fen: number) => (fen / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 });
