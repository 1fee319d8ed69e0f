/* The figure rows of an evaluation are written as a difference: an enterprise evaluated again with the same
 * contributions leaves its rows untouched (no new tuple), a changed row is updated, a row no longer contributed is
 * deleted, and other enterprises' rows are never touched. An enterprise whose rows hash as before is not written at
 * all, until the digests are forgotten (a supervisor's start). */
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

  it('skips an enterprise whose rows hash as before; forgotten digests (a start) make it write its difference', async () => {
    const C = '91370811MA0000003X';
    const k1 = ['370811', 'hazardous_chemicals'].join(KEY_SEPARATOR);
    const valsOf = async () =>
      (
        await db.query<{ vals: string[] }[]>(`SELECT vals::text[] AS vals FROM supervision_figures WHERE uscc = $1`, [
          C,
        ])
      ).map((r) => r.vals.map(Number));
    const digest = async () =>
      (
        await db.query<{ ctid: string; digest: string }[]>(
          `SELECT ctid::text AS ctid, digest FROM supervision_figure_digests WHERE uscc = $1`,
          [C],
        )
      )[0];
    await figures.replace(db, [C], [row(C, k1, [2, 0, 0])]);
    const first = await digest();
    expect(first.digest).toMatch(/^[\w-]{43}$/);

    // A writer that does not keep digests (a supervisor of the previous release) changed the row meanwhile.
    await db.query(`UPDATE supervision_figures SET vals = '{9,9,9}' WHERE uscc = $1`, [C]);
    await figures.replace(db, [C], [row(C, k1, [2, 0, 0])]);
    expect(await valsOf()).toEqual([[9, 9, 9]]); // same contributions, same digest: nothing was written
    expect(await digest()).toEqual(first);

    await figures.forgetDigests();
    await figures.replace(db, [C], [row(C, k1, [2, 0, 0])]);
    expect(await valsOf()).toEqual([[2, 0, 0]]);
    expect((await digest()).digest).toBe(first.digest);
  });
});
