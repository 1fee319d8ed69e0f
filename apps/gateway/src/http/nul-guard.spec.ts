import { holdsNul } from './nul-guard';

describe('NUL guard', () => {
  it('finds U+0000 in any string or key of a JSON value, however deep, without recursion', () => {
    expect(holdsNul({ a: [{ b: 'x\u0000' }] })).toBe(true);
    expect(holdsNul({ ['k\u0000']: 1 })).toBe(true);
    expect(holdsNul({ a: [1, null, true, { b: '正常' }] })).toBe(false);
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(holdsNul(deep)).toBe(true);
  });
});

describe('NUL guard on large bodies (issue 23: a 300 000-element array was a 500)', () => {
  it('walks a long array without spreading it into a call', () => {
    const long = new Array<unknown>(300_000).fill(0);
    expect(holdsNul(long)).toBe(false);
    long[299_999] = 'x\u0000';
    expect(holdsNul(long)).toBe(true);
  });
});
