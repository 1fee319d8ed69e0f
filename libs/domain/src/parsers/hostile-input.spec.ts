import { fileParserFor } from '../insurers/registry';
import { createNormalizer } from '../normalizer/normalizer';
import {
  FORBIDDEN_FIELD_MESSAGE,
  holdsForbiddenFieldName,
  keepOutOfRangeNumbersAsText,
  nestsDeeperThan,
  reviveOutOfRangeNumbers,
} from './insurer-file-parser';

const once = (text: string) => () =>
  (async function* () {
    yield Buffer.from(text);
  })();

async function first(insurer: string, text: string) {
  for await (const r of fileParserFor(insurer)!.records(once(text))) return r;
  throw new Error('no record');
}

describe('hostile input in the parsers', () => {
  it('measures nesting without recursion, even 100 000 levels deep', () => {
    const deep = JSON.parse(`${'['.repeat(100000)}${']'.repeat(100000)}`) as unknown;
    expect(nestsDeeperThan(deep)).toBe(true);
    expect(nestsDeeperThan({ a: { b: [1, { c: 2 }] } })).toBe(false);
  });

  it.each([
    ['PINGAN', `{"recordType":"POLICY","x":${'['.repeat(5000)}${']'.repeat(5000)}}\n`],
    ['DADI', `{"gsdm":"DADI","pch":"p","sj":[{"lx":"bd","x":${'['.repeat(5000)}${']'.repeat(5000)}}]}`],
    ['CPIC', `<AJXBatch insurer="CPIC"><Policy>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</Policy></AJXBatch>`],
  ])('%s: a record nested too deep is MALFORMED_RECORD (never a stack overflow downstream)', async (insurer, text) => {
    const r = await first(insurer, text);
    expect(r.malformed?.message).toMatch(/nests deeper than/);
    expect(() => JSON.stringify(r)).not.toThrow();
  });

  it('keeps numbers beyond a double as text instead of letting them become null in JSON', async () => {
    expect(JSON.parse('{"n":1e400}', reviveOutOfRangeNumbers)).toEqual({ n: 'Infinity' });
    const v = { a: [-Infinity, 1], b: { c: NaN } };
    keepOutOfRangeNumbersAsText(v);
    expect(v).toEqual({ a: ['-Infinity', 1], b: { c: 'NaN' } });
    const r = await first('DADI', '{"gsdm":"DADI","pch":"p","sj":[{"lx":"bd","bdh":"D1","cyrs":1e400}]}');
    expect(JSON.parse(JSON.stringify(r)).fields.cyrs).toBe('Infinity');
  });

  it('rejects a value holding a NUL character as MALFORMED_RECORD', async () => {
    const line = JSON.stringify({
      recordType: 'HAZARD',
      dangerNo: 'N1',
      seq: 1,
      insured: { creditCode: '91330203126771476E', name: '宁波\u0000化工', areaCode: '330203', industryCode: 'C2614' },
      grade: 'GENERAL',
      category: null,
      desc: '配电箱未接地',
      foundTime: 1721782800000,
      deadline: null,
      state: 'OPEN',
      doneTime: null,
      bizTime: 1721782800000,
    });
    const raw = await first('PINGAN', `${line}\n`);
    const result = createNormalizer().normalize('PINGAN', raw);
    expect(result).toMatchObject({ ok: false, reject: { code: 'MALFORMED_RECORD' } });
  });
});

describe('a field named __proto__ (issue 23: a DADI record with "__proto__": null was a 500)', () => {
  async function all(insurer: string, text: string) {
    const parser = fileParserFor(insurer)!;
    expect(await parser.checkContainer(once(text))).toMatchObject({ ok: true });
    const out = [];
    for await (const r of parser.records(once(text))) out.push(r);
    return out;
  }

  it.each([
    ['DADI null', '{"gsdm":"DADI","pch":"p","sj":[{"lx":"yh","__proto__":null,"yhbh":"H1"},{"lx":"yh","yhbh":"H2"}]}'],
    ['DADI object', '{"gsdm":"DADI","pch":"p","sj":[{"lx":"yh","x":{"__proto__":{"a":1}}},{"lx":"yh","yhbh":"H2"}]}'],
    ['DADI string', '{"gsdm":"DADI","pch":"p","sj":[{"__proto__":"x","lx":"yh"},{"lx":"yh","yhbh":"H2"}]}'],
    ['PINGAN', '{"recordType":"HAZARD","__proto__":{"polluted":1}}\n{"recordType":"HAZARD","dangerNo":"N2"}\n'],
    [
      'CPIC',
      '<AJXBatch insurer="CPIC"><Policy><__proto__>1</__proto__></Policy><Policy><PolicyNo>P2</PolicyNo></Policy></AJXBatch>',
    ],
  ])('%s: that record is MALFORMED_RECORD, the next one is read normally', async (label, text) => {
    const [bad, good] = await all(label.split(' ')[0], text);
    expect(bad.malformed?.message).toBe(FORBIDDEN_FIELD_MESSAGE);
    expect(bad.fields).toBeNull();
    expect(good.malformed).toBeNull();
    expect(Object.getPrototypeOf(good.fields)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('DADI: null values inside a record are read (they crashed the record reader)', async () => {
    const [r] = await all('DADI', '{"gsdm":"DADI","pch":"p","sj":[{"lx":"yh","yhbh":"H1","zgqx":null}]}');
    expect(r.malformed).toBeNull();
    expect(r.fields).toEqual({ lx: 'yh', yhbh: 'H1', zgqx: null });
  });

  it('finds the name at any depth, as an own key only', () => {
    expect(holdsForbiddenFieldName(JSON.parse('{"a":[{"b":{"__proto__":1}}]}'))).toBe(true);
    expect(holdsForbiddenFieldName({ a: [{ b: 1 }], proto: 2 })).toBe(false);
  });
});
