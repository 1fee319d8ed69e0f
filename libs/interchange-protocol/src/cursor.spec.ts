import fc from 'fast-check';
import { batchEntriesFixture } from '@ajx/testing';
import { buildPullPage, decodeCursor, encodeCursor, parsePullPage, START_CURSOR } from './cursor';

describe('pull cursor', () => {
  it('round-trips every sequence number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (seq) => {
        const c = encodeCursor(seq);
        expect(c).toMatch(/^[A-Za-z0-9_-]{18}$/);
        expect(decodeCursor(c)).toBe(seq);
      }),
    );
    expect(decodeCursor(START_CURSOR)).toBe(0);
  });

  it('refuses a cursor that was altered, cut or made up', () => {
    const c = encodeCursor(123456);
    const flipped = (c[5] === 'A' ? 'B' : 'A') + '';
    expect(() => decodeCursor(c.slice(0, 5) + flipped + c.slice(6))).toThrow(/checksum mismatch|wrong length/);
    expect(() => decodeCursor(c.slice(0, -2))).toThrow(/wrong length/);
    expect(() => decodeCursor('not a cursor!')).toThrow(/not base64url/);
    expect(() => decodeCursor('')).toThrow(/invalid cursor/);
    expect(() => decodeCursor(Buffer.alloc(13).toString('base64url'))).toThrow(/unknown version 0/);
    expect(() => encodeCursor(-1)).toThrow(RangeError);
  });

  it('builds and parses pull pages', () => {
    const entries = batchEntriesFixture(11, 5);
    const after = encodeCursor(10);
    const page = buildPullPage({ sender: 'hub-zj', province: '33', afterSeq: 10, entries, hasMore: true });
    expect(decodeCursor(page.next)).toBe(15);
    expect(parsePullPage(JSON.stringify(page), { province: '33', after })).toEqual(page);
    const empty = buildPullPage({ sender: 'hub-zj', province: '33', afterSeq: 15, entries: [], hasMore: false });
    expect(empty.next).toBe(encodeCursor(15));
    // Entries at or before the cursor asked for, or a next cursor that skips, are refused.
    expect(() => parsePullPage(JSON.stringify(page), { province: '33', after: encodeCursor(12) })).toThrow(
      /must be greater than 12/,
    );
    expect(() => parsePullPage(JSON.stringify({ ...page, next: encodeCursor(99) }), { province: '33', after })).toThrow(
      /must stand for seq 15/,
    );
  });
});
