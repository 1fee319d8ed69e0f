import { stableJson } from './stable-json';

describe('stableJson', () => {
  it('sorts keys at every level and leaves undefined members out', () => {
    expect(stableJson({ b: 1, a: { d: [3, { z: 1, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":1}]},"b":1}',
    );
  });

  it('serialises scalars, arrays and strings needing escapes as JSON.stringify does', () => {
    expect(stableJson(null)).toBe('null');
    expect(stableJson(undefined)).toBe('null');
    expect(stableJson('引号"\n')).toBe(JSON.stringify('引号"\n'));
    expect(stableJson([1, 'a', true, null, []])).toBe('[1,"a",true,null,[]]');
    expect(stableJson({})).toBe('{}');
  });

  it('gives the same text for equal values written in any key order', () => {
    const a = { type: 't', time: '2024-01-01', data: { x: 1, y: [{ p: 1, q: 2 }] } };
    const b = { data: { y: [{ q: 2, p: 1 }], x: 1 }, time: '2024-01-01', type: 't' };
    expect(stableJson(a)).toBe(stableJson(b));
  });
});
