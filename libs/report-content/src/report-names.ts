import { COUNTIES, countyByCode } from '@ajx/domain';

/** Chinese names the reports print (zh-CN): sectors, service items, grades, levels, insurers, regions. */
export const SECTOR_TITLES: Readonly<Record<string, string>> = {
  coal_mining: '煤矿',
  non_coal_mining: '非煤矿山',
  hazardous_chemicals: '危险化学品',
  fireworks: '烟花爆竹',
  civil_explosives: '民用爆炸物品',
  metal_smelting: '金属冶炼',
  construction: '建筑施工',
  road_transport: '道路运输',
  water_transport: '水上运输',
  fishery: '渔业',
  city_gas: '城镇燃气',
  power: '电力',
  building_materials: '建材',
  machinery: '机械制造',
  dust_explosion: '粉尘涉爆',
  other: '其他行业',
};

export const ITEM_TITLES: Readonly<Record<string, string>> = {
  training: '安全培训',
  risk_assessment: '风险诊断',
  hazard_inspection: '隐患排查',
  emergency_drill: '应急演练',
  standardization: '标准化建设',
  technology: '技术服务',
  other: '其他服务',
};

export const GRADE_TITLES: Readonly<Record<string, string>> = {
  general: '一般事故',
  larger: '较大事故',
  major: '重大事故',
  especially_major: '特别重大事故',
};

export const LEVEL_TITLES: Readonly<Record<string, string>> = { general: '一般隐患', major: '重大事故隐患' };

/** Short names of the insurers the standard knows; any other is printed by its code. */
export const INSURER_TITLES: Readonly<Record<string, string>> = {
  PICC: '人保财险',
  PINGAN: '平安财险',
  CPIC: '太保财险',
  DADI: '大地财险',
  SUNSHINE: '阳光财险',
  TAISHAN: '泰山财险',
  CHINALIFE: '国寿财险',
};

export const insurerTitle = (code: string) => INSURER_TITLES[code] ?? code;
export const sectorTitle = (code: string) => SECTOR_TITLES[code] ?? code;

/** A county's name (`任城区`), or its code when the code list does not know it. */
export function countyName(code: string): string {
  return countyByCode(code)?.name ?? code;
}

/** The city code (`370800`) of a county code. */
export function cityOf(county: string): string {
  return `${county.slice(0, 4)}00`;
}

/** A city's name (`济宁市`) by its code (`370800`). */
export function cityName(cityCode: string): string {
  const prefix = cityCode.slice(0, 4);
  return COUNTIES.find((c) => c.cityCode === prefix)?.cityName || cityCode;
}
