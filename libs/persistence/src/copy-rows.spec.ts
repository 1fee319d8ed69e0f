import { copyField, copyText } from './copy-rows';

describe('COPY text format', () => {
  it('writes NULL as \\N and escapes the characters COPY gives a meaning to', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField(undefined)).toBe('\\N');
    expect(copyField('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    // A literal "\N" in text is not NULL once escaped.
    expect(copyField('\\N')).toBe('\\\\N');
  });

  it('writes numbers, booleans, times and JSON documents as PostgreSQL reads them', () => {
    expect(copyField(42)).toBe('42');
    expect(copyField(true)).toBe('t');
    expect(copyField(false)).toBe('f');
    expect(copyField(new Date('2026-12-07T01:02:03.004Z'))).toBe('2026-12-07T01:02:03.004Z');
    // JSON escapes (\" and \n inside strings) keep their backslashes through COPY's own unescaping.
    expect(copyField({ a: 'x"y\nz', b: [1, null] })).toBe('{"a":"x\\\\"y\\\\nz","b":[1,null]}');
  });

  it('joins fields with tabs and rows with newlines', () => {
    expect(
      copyText([
        ['a', 1, null],
        ['b', 2, true],
      ]),
    ).toBe('a\t1\t\\N\nb\t2\tt\n');
    expect(copyText([])).toBe('');
  });
});
