import { canonicalJson } from './canonical-json';

describe('canonical JSON', () => {
  it('sorts members at every depth and drops spacing', () => {
    expect(canonicalJson({ b: [{ z: 1, a: null }], a: '中', c: { y: true, x: 1.5 } })).toBe(
      '{"a":"中","b":[{"a":null,"z":1}],"c":{"x":1.5,"y":true}}',
    );
    expect(canonicalJson(JSON.parse('{ "b" : 1 ,\n "a" : 2 }'))).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
  });
});
