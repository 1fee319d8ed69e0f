import fc from 'fast-check';
import * as OpenCC from 'opencc-js/t2cn';
import { toSimplified } from './chinese';
import { normalizeIdentifier, toHalfWidth } from './normalize-text';

const reference = OpenCC.Converter({ from: 't', to: 'cn' });

describe('Traditional → Simplified', () => {
  it('is exactly OpenCC t2s, fast path and memo included', () => {
    const unit = fc.constantFrom(...'漢語濟寧梁山縣乾縣煤礦中国人民财产保险 ,a1\u3000𠀀乾隆干'.match(/./gu)!);
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 30 }), (s) => {
        expect(toSimplified(s)).toBe(reference(s));
        expect(toSimplified(s)).toBe(reference(s));
      }),
      { numRuns: 2000 },
    );
    expect(toSimplified('山東省濟寧市梁山縣')).toBe('山东省济宁市梁山县');
  });
});

describe('identifiers', () => {
  it('turns full-width ASCII to half-width and removes every white space', () => {
    expect(toHalfWidth('ＡＢＣ１２３！～\u3000x')).toBe('ABC123!~ x');
    expect(normalizeIdentifier(' 9133\t0902\u3000971540106E\n')).toBe('91330902971540106E');
    expect(normalizeIdentifier('plain')).toBe('plain');
  });
});
