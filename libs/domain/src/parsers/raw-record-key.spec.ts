import { rawRecordKey } from './insurer-file-parser';

describe('rawRecordKey', () => {
  it('is the id as the standard normalises identifiers, however the insurer wrote it', () => {
    for (const written of [
      'PICCAZ2023006490',
      'ＰＩＣＣＡＺ２０２３００６４９０',
      ' PICCAZ2023006490 ',
      'PICCAZ\u30002023006490',
    ]) {
      expect(rawRecordKey(written)).toBe('PICCAZ2023006490');
    }
  });

  it('keeps an id that normalises to nothing as it is', () => {
    expect(rawRecordKey('\u3000')).toBe('\u3000');
  });
});
