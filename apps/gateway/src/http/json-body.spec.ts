import { jsonDepthExceeds } from './json-body';

describe('JSON depth before parsing', () => {
  const depth = (text: string, max: number) => jsonDepthExceeds(Buffer.from(text), max);

  it('counts nesting of arrays and objects over the bytes', () => {
    expect(depth('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(depth('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(depth(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 32)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(depth('{"a":"[[[[{{{{","b":"\\"[[[["}', 1)).toBe(false);
    expect(depth('["\\\\",[[1]]]', 2)).toBe(true);
  });
});
