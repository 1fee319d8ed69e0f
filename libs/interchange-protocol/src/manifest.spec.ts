import { createHash } from 'node:crypto';
import { InterchangeError } from './errors';
import {
  buildDailyManifest,
  buildReconciliationReport,
  compareDay,
  dailyManifestOf,
  compareTallies,
  digestOfEventIds,
  EMPTY_DIGEST,
  judgeManifest,
  type ManifestItem,
  parseDailyManifest,
  parseReconciliationReport,
  tallyByDate,
} from './manifest';

const ID = (n: number) => `00000000-0000-5000-8000-${String(n).padStart(12, '0')}`;
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const items: ManifestItem[] = [
  { insurer: 'PICC', kind: 'policy', eventId: ID(3), acceptedDate: '2025-03-01' },
  { insurer: 'PICC', kind: 'policy', eventId: ID(1), acceptedDate: '2025-03-01' },
  { insurer: 'PICC', kind: 'policy', eventId: ID(3), acceptedDate: '2025-03-01' }, // duplicate delivery
  { insurer: 'CPIC', kind: 'hazard', eventId: ID(2), acceptedDate: '2025-03-01' },
  { insurer: 'PICC', kind: 'service', eventId: ID(4), acceptedDate: '2025-03-02' },
];

describe('daily manifest', () => {
  it('digests the sorted distinct ids joined by newlines', () => {
    expect(digestOfEventIds([ID(3), ID(1), ID(3)])).toBe(sha(`${ID(1)}\n${ID(3)}`));
    expect(EMPTY_DIGEST).toBe(sha(''));
  });

  it('tallies per date, insurer and kind, counting an id once', () => {
    expect(tallyByDate(items)).toEqual([
      {
        date: '2025-03-01',
        cells: [
          { insurer: 'CPIC', kind: 'hazard', count: 1, digest: sha(ID(2)) },
          { insurer: 'PICC', kind: 'policy', count: 2, digest: sha(`${ID(1)}\n${ID(3)}`) },
        ],
      },
      { date: '2025-03-02', cells: [{ insurer: 'PICC', kind: 'service', count: 1, digest: sha(ID(4)) }] },
    ]);
  });

  it('finds the mismatching cells, a missing cell or day counting as empty', () => {
    const hub = tallyByDate(items);
    const province = tallyByDate(
      items
        .filter((i) => i.eventId !== ID(1) && i.eventId !== ID(4))
        .concat([{ insurer: 'DADI', kind: 'policy', eventId: ID(9), acceptedDate: '2025-03-01' }]),
    );
    expect(compareTallies(hub, hub)).toEqual([]);
    expect(compareTallies(hub, province)).toEqual([
      {
        date: '2025-03-01',
        insurer: 'DADI',
        kind: 'policy',
        expected: { count: 0, digest: EMPTY_DIGEST },
        actual: { count: 1, digest: sha(ID(9)) },
      },
      {
        date: '2025-03-01',
        insurer: 'PICC',
        kind: 'policy',
        expected: { count: 2, digest: sha(`${ID(1)}\n${ID(3)}`) },
        actual: { count: 1, digest: sha(ID(3)) },
      },
      {
        date: '2025-03-02',
        insurer: 'PICC',
        kind: 'service',
        expected: { count: 1, digest: sha(ID(4)) },
        actual: { count: 0, digest: EMPTY_DIGEST },
      },
    ]);
  });

  it('detects a swapped id even when the counts agree', () => {
    const a = [{ insurer: 'PICC', kind: 'policy' as const, count: 1, digest: sha(ID(1)) }];
    const b = [{ insurer: 'PICC', kind: 'policy' as const, count: 1, digest: sha(ID(2)) }];
    expect(compareDay('2025-03-01', a, b)).toHaveLength(1);
  });

  it('builds, parses and judges a manifest', () => {
    const manifest = buildDailyManifest({
      date: '2025-03-01',
      sender: 'hub-zj',
      province: '33',
      items,
      generatedAt: 0,
    });
    expect(manifest).toMatchObject({ protocol: 'ajx-interchange/1', generatedAt: '1970-01-01T08:00:00+08:00' });
    expect(manifest.cells).toHaveLength(2);
    const parsed = parseDailyManifest(JSON.stringify(manifest), { province: '33' });
    expect(parsed).toEqual(manifest);
    expect(judgeManifest(parsed, manifest.cells)).toEqual({ date: '2025-03-01', status: 'match', cells: [] });
    const verdict = judgeManifest(parsed, manifest.cells.slice(1));
    expect(verdict.status).toBe('mismatch');
    expect(verdict.cells.map((c) => [c.insurer, c.kind])).toEqual([['CPIC', 'hazard']]);
  });

  it('builds a manifest from cells tallied elsewhere, sorted, with the audit chain head as an extension', () => {
    const [day] = tallyByDate(items);
    const anchor = {
      blockNo: '42',
      hash: sha('block'),
      signature: 'ab'.repeat(64),
      keyId: '0123456789abcdef',
      sealedAt: '2025-03-02T01:00:00.000Z',
    };
    const manifest = dailyManifestOf({
      date: '2025-03-01',
      sender: 'hub-zj',
      province: '33',
      cells: [...day.cells].reverse().concat([{ insurer: 'DADI', kind: 'policy', count: 0, digest: EMPTY_DIGEST }]),
      generatedAt: 0,
      auditAnchor: anchor,
    });
    expect(manifest).toEqual({
      ...buildDailyManifest({ date: '2025-03-01', sender: 'hub-zj', province: '33', items, generatedAt: 0 }),
      auditAnchor: anchor,
    });
    expect(parseDailyManifest(JSON.stringify(manifest), { province: '33' })).toEqual(manifest);
    expect(
      dailyManifestOf({ date: '2025-03-01', sender: 'h', province: '33', cells: [], auditAnchor: null }),
    ).not.toHaveProperty('auditAnchor');
    expect(() =>
      parseDailyManifest(JSON.stringify({ ...manifest, auditAnchor: { ...anchor, hash: 'x' } }), { province: '33' }),
    ).toThrow(/auditAnchor\/hash/);
  });

  it('refuses malformed manifests with specific problems', () => {
    const manifest = buildDailyManifest({ date: '2025-03-01', sender: 'hub-zj', province: '33', items });
    const bad = (m: object, province = '33') => {
      try {
        parseDailyManifest(JSON.stringify(m), { province });
      } catch (err) {
        return err as InterchangeError;
      }
      throw new Error('accepted');
    };
    expect(bad({ ...manifest, date: '2025-13-01' })).toMatchObject({
      code: 'INVALID_MANIFEST',
      problems: [{ path: '/date', message: 'must be a calendar date YYYY-MM-DD' }],
    });
    expect(bad({ ...manifest, cells: [...manifest.cells, manifest.cells[0]] }).problems).toEqual([
      { path: '/cells/2', message: 'CPIC hazard is listed twice' },
    ]);
    expect(bad({ ...manifest, cells: [{ ...manifest.cells[0], digest: 'x' }] }).problems[0].path).toBe(
      '/cells/0/digest',
    );
    expect(bad(manifest, '37')).toMatchObject({ code: 'WRONG_PROVINCE' });
  });

  it('builds and parses reconciliation reports', () => {
    const cells = compareTallies(tallyByDate(items), []).filter((c) => c.date === '2025-03-01');
    const report = buildReconciliationReport({ date: '2025-03-01', province: '33', cells, reportedAt: 0 });
    expect(parseReconciliationReport(JSON.stringify(report), { date: '2025-03-01' })).toEqual(report);
    expect(() => parseReconciliationReport(JSON.stringify(report), { date: '2025-03-02' })).toThrow(
      /must equal the date of the path/,
    );
    expect(() => parseReconciliationReport(JSON.stringify({ ...report, cells: [] }), { date: '2025-03-01' })).toThrow(
      InterchangeError,
    );
  });
});
