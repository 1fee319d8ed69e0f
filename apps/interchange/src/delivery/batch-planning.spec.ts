import { batchEntriesFixture } from '@ajx/testing';
import { datesBefore, fitToBytes } from './batch-planning';

describe('batch planning', () => {
  it('keeps a batch body within the byte limit, but always takes one entry', () => {
    const entries = batchEntriesFixture(1, 50);
    const one = Buffer.byteLength(JSON.stringify(entries[0]));
    expect(fitToBytes(entries, 10 * 1024 * 1024)).toHaveLength(50);
    const some = fitToBytes(entries, 1024 + one * 10 + 200);
    expect(some.length).toBeGreaterThanOrEqual(9);
    expect(some.length).toBeLessThanOrEqual(11);
    expect(some).toEqual(entries.slice(0, some.length));
    expect(fitToBytes(entries, 10)).toEqual([entries[0]]);
  });

  it('lists the days before a date, across month and year ends', () => {
    expect(datesBefore('2025-03-02', 3)).toEqual(['2025-02-27', '2025-02-28', '2025-03-01']);
    expect(datesBefore('2025-01-01', 1)).toEqual(['2024-12-31']);
  });
});
