import { adapterBatchId } from '@ajx/contracts';
import { advance, CheckpointTable, resumePoint } from './checkpoint';
import { SettleTracker } from './stability';

const SHA = 'ab'.repeat(32);
const T0 = new Date('2026-12-01T00:00:00Z');

describe('adapter checkpoints', () => {
  it('starts a new file at record 0 with a batch id derived from insurer and hash', () => {
    const cp = resumePoint('PICC', SHA, 'a.csv', undefined, T0);
    expect(cp).toMatchObject({ published: 0, chunks: 0, done: false, batchId: adapterBatchId('PICC', SHA) });
    expect(adapterBatchId('PICC', SHA)).toBe(adapterBatchId('PICC', SHA.toUpperCase()));
    expect(adapterBatchId('PICC', SHA)).not.toBe(adapterBatchId('CPIC', SHA));
  });

  it('resumes after the last committed checkpoint and never goes back', () => {
    const cp = advance(resumePoint('PICC', SHA, 'a.csv', undefined, T0), 1000, false, T0);
    expect(resumePoint('PICC', SHA, 'a.csv', cp, T0)).toBe(cp);
    expect(() => advance(cp, 999, false, T0)).toThrow(/never goes back/);
    expect(() => resumePoint('CPIC', SHA, 'a.csv', cp, T0)).toThrow();
  });

  it('keeps the furthest checkpoint per file; done wins', () => {
    const t = new CheckpointTable();
    const start = resumePoint('PICC', SHA, 'a.csv', undefined, T0);
    const a = advance(start, 500, false, T0);
    const b = advance(a, 1000, true, T0);
    t.apply(a);
    t.apply(b);
    t.apply(a);
    expect(t.get(SHA)).toEqual(b);
  });
});

describe('SettleTracker', () => {
  it('takes a file once size and mtime stayed the same for the settle interval', () => {
    const s = new SettleTracker(1000);
    expect(s.observe('f', { size: 10, mtimeMs: 1 }, 0)).toBe(false);
    expect(s.observe('f', { size: 10, mtimeMs: 1 }, 500)).toBe(false);
    expect(s.observe('f', { size: 20, mtimeMs: 2 }, 900)).toBe(false);
    expect(s.observe('f', { size: 20, mtimeMs: 2 }, 1800)).toBe(false);
    expect(s.observe('f', { size: 20, mtimeMs: 2 }, 1900)).toBe(true);
  });

  it('ignores temporary names', () => {
    expect(SettleTracker.ignored('x.csv.part')).toBe(true);
    expect(SettleTracker.ignored('.hidden')).toBe(true);
    expect(SettleTracker.ignored('x.tmp')).toBe(true);
    expect(SettleTracker.ignored('x.csv')).toBe(false);
  });
});
