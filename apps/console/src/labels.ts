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
export const entryKindName = (k: string) => ENTRY_KINDS[k] ?? k;
export const severityName = (s: string) => SEVERITIES[s] ?? s;
export const GRADES: Record<string, string> = {
  general: '一般',
  larger: '较大',
  major: '重大',
  especially_major: '特别重大',
};
export const STATES: Record<string, string> = { open: '未解决', resolved: '已解决' };
export const DECISIONS: Record<string, string> = { confirmed: '已确认', dismissed: '已驳回' };
export const sectorName = (s: string) => SECTORS[s] ?? s;

/** An instant as Beijing wall-clock time, `YYYY-MM-DD HH:mm:ss` (the API answers ISO 8601 in UTC). */
export function beijingTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
