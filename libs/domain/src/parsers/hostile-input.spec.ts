import { fileParserFor } from '../insurers/registry';
import { createNormalizer } from '../normalizer/normalizer';
import { keepOutOfRangeNumbersAsText, nestsDeeperThan, reviveOutOfRangeNumbers } from './insurer-file-parser';

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
