import type { Sector } from '@ajx/contracts';

/** Chinese sector names of the standard: the first is the primary name, the others aliases. */
export const SECTOR_NAMES: Readonly<Record<Sector, readonly string[]>> = {
  coal_mining: ['煤矿', '煤炭开采'],
  non_coal_mining: ['非煤矿山', '金属非金属矿山'],
  hazardous_chemicals: ['危险化学品', '危化品'],
  fireworks: ['烟花爆竹'],
  civil_explosives: ['民用爆炸物品', '民爆'],
  metal_smelting: ['金属冶炼', '冶金', '有色'],
  construction: ['建筑施工', '建筑业'],
  road_transport: ['道路运输', '道路交通运输'],
  water_transport: ['水上运输', '水上交通运输'],
  fishery: ['渔业生产', '渔业'],
  city_gas: ['城镇燃气', '城市燃气'],
  power: ['电力', '电厂'],
  building_materials: ['建材'],
  machinery: ['机械制造', '大型机械制造'],
  dust_explosion: ['粉尘涉爆', '粉尘防爆'],
  other: ['其他'],
};

const SECTOR_BY_NAME = new Map<string, Sector>();
for (const [sector, names] of Object.entries(SECTOR_NAMES) as [Sector, readonly string[]][])
  for (const n of names) SECTOR_BY_NAME.set(n, sector);

/** A Simplified, trimmed Chinese sector name → sector. */
export function sectorByName(name: string): Sector | undefined {
  return SECTOR_BY_NAME.get(name);
}

/** DADI sector codes (`hydm`). */
export const DADI_SECTOR_CODES: Readonly<Record<string, Sector>> = {
  '01': 'coal_mining',
  '02': 'non_coal_mining',
  '03': 'hazardous_chemicals',
  '04': 'fireworks',
  '05': 'civil_explosives',
  '06': 'metal_smelting',
  '07': 'construction',
  '08': 'road_transport',
  '09': 'water_transport',
  '10': 'fishery',
  '11': 'city_gas',
  '12': 'power',
  '13': 'building_materials',
  '14': 'machinery',
  '15': 'dust_explosion',
  '99': 'other',
};

export const INDUSTRY_CODE_PATTERN = /^[A-T]\d{2,4}$/;

/**
 * GB/T 4754-2017 industry code → sector, most specific prefix first (the standard's table). Divisions are the
 * section letter and two digits; C2671/C2672 are classes of C26.
 */
export const INDUSTRY_SECTOR_PREFIXES: readonly (readonly [string, Sector])[] = [
  ['C2671', 'civil_explosives'],
  ['C2672', 'fireworks'],
  ['B06', 'coal_mining'],
  ...['B07', 'B08', 'B09', 'B10', 'B11', 'B12'].map((p) => [p, 'non_coal_mining'] as const),
  ['C25', 'hazardous_chemicals'],
  ['C26', 'hazardous_chemicals'],
  ['C30', 'building_materials'],
  ['C31', 'metal_smelting'],
  ['C32', 'metal_smelting'],
  ...['C33', 'C34', 'C35'].map((p) => [p, 'machinery'] as const),
  ['D44', 'power'],
  ['D45', 'city_gas'],
  ...['E47', 'E48', 'E49', 'E50'].map((p) => [p, 'construction'] as const),
  ['G54', 'road_transport'],
  ['G55', 'water_transport'],
  ['A04', 'fishery'],
];

/** Sector of a well-formed industry code (`^[A-T]\d{2,4}$`); undefined when the code is malformed. */
export function sectorByIndustryCode(code: string): Sector | undefined {
  if (!INDUSTRY_CODE_PATTERN.test(code)) return undefined;
  for (const [prefix, sector] of INDUSTRY_SECTOR_PREFIXES) if (code.startsWith(prefix)) return sector;
  return 'other';
}
