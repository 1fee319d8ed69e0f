/* The figure rows of an evaluation are written as a difference: an enterprise evaluated again with the same
 * contributions leaves its rows untouched (no new tuple), a changed row is updated, a row no longer contributed is
 * deleted, and other enterprises' rows are never touched. */
import { KEY_SEPARATOR } from '@ajx/supervision';
import { SupervisionFiguresRepository } from '@ajx/supervision-store';
import { createTestDatabase, testDataSource } from '@ajx/testing';
import type { DataSource } from 'typeorm';

const A = '91370811MA0000001X';
const B = '91370811MA0000002X';

const row = (uscc: string, key: string, vals: number[]) => ({
  uscc,
  member: 'coverage' as const,
  key,
  county: '370811',
  sector: 'hazardous_chemicals',
  values: vals,
});

describe('supervision figures: written as a difference', () => {
  let db: DataSource;
  let figures: SupervisionFiguresRepository;

  beforeAll(async () => {
    db = await testDataSource(await createTestDatabase());
    figures = new SupervisionFiguresRepository(db);
  });
  afterAll(() => db?.destroy());

  const tuples = async () =>
    new Map(
      (
        await db.query<{ uscc: string; key: string; ctid: string; vals: string[] }[]>(
          `SELECT uscc, key, ctid::text AS ctid, vals::text[] AS vals FROM supervision_figures ORDER BY uscc, key`,
        )
      ).map((r) => [`${r.uscc}/${r.key}`, { ctid: r.ctid, vals: r.vals.map(Number) }]),
    );

  it('keeps unchanged rows, updates changed ones, deletes the ones no longer contributed', async () => {
    const k1 = ['370811', 'hazardous_chemicals'].join(KEY_SEPARATOR);
    const k2 = ['370811', 'power'].join(KEY_SEPARATOR);
    await figures.replace(db, [A, B], [row(A, k1, [1, 1, 0]), row(A, k2, [1, 0, 0]), row(B, k1, [1, 0, 1])]);
    const before = await tuples();
    expect(before.size).toBe(3);

    await db.transaction((tx) => figures.replace(tx, [A], [row(A, k1, [1, 1, 0])]));
    const after = await tuples();
    expect([...after.keys()].map((k) => k.split('/')[0])).toEqual([A, B]);
    const [aKey] = [...after.keys()].filter((k) => k.startsWith(A));
    expect(after.get(aKey)!.ctid).toBe(before.get(aKey)!.ctid); // same contribution: the row was not rewritten
    const [bKey] = [...after.keys()].filter((k) => k.startsWith(B));
    expect(after.get(bKey)!.ctid).toBe(before.get(bKey)!.ctid); // another enterprise: untouched

    await figures.replace(db, [A], [row(A, k1, [1, 0, 0])]);
    const changed = await tuples();
    expect(changed.get(aKey)!.vals).toEqual([1, 0, 0]);
    expect(changed.get(aKey)!.ctid).not.toBe(before.get(aKey)!.ctid);

    await figures.replace(db, [A], []);
    expect([...(await tuples()).keys()]).toEqual([bKey]);
  });
});
