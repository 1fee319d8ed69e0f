import fc from 'fast-check';
import type { RawRecord } from '@ajx/contracts';
import { parse } from 'csv-parse/sync';
import * as iconv from 'iconv-lite';
import { splitQuotedRecord } from './picc/picc.parser';
import { fileParserFor, SUPPORTED_INSURERS } from './registry';
import { PICC_HEADERS } from './picc/picc.format';

function opener(...parts: (string | Buffer)[]) {
  const chunks = parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
  return async function* () {
    for (const c of chunks) yield c;
  };
}

async function read(insurer: string, open: () => AsyncIterable<Buffer>) {
  const parser = fileParserFor(insurer)!;
  const check = await parser.checkContainer(open);
  const records: RawRecord[] = [];
  if (check.ok) for await (const r of parser.records(open)) records.push(r);
  return { check, records };
}

const gbk = (s: string) => iconv.encode(s, 'gb18030');
const hazardHeader = PICC_HEADERS.hazard.join(',');
const hazardRow = (id: string, desc = '描述') =>
  `${id},1,,,91330902971540106E,舟山顺通煤业有限责任公司,330902,煤矿,一般,,${desc},2024-06-03 11:00:00,,未整改,,2024-06-03 12:00:00`;

describe('parsers', () => {
  it('registers the four insurers with their content types', () => {
    expect(SUPPORTED_INSURERS).toEqual(['PICC', 'PINGAN', 'CPIC', 'DADI']);
    expect(fileParserFor('CPIC')!.contentTypes).toContain('application/xml');
    expect(fileParserFor('NOPE')).toBeUndefined();
  });

  describe('PICC (GBK CSV)', () => {
    it('reads quoted fields with commas, quotes and line breaks; skips blank lines without counting them', async () => {
      const file = gbk(
        `${hazardHeader}\r\n\r\n${hazardRow('A1', '"第一行,\r\n""引号"""')}\r\n\r\n${hazardRow('A2')}\r\n`,
      );
      const { check, records } = await read('PICC', opener(file.subarray(0, 50), file.subarray(50)));
      expect(check).toEqual({ ok: true, records: 2 });
      expect(records.map((r) => [r.recordIndex, r.sourceId])).toEqual([
        [1, 'A1'],
        [2, 'A2'],
      ]);
      expect(records[0].fields!['隐患描述']).toBe('第一行,\r\n"引号"');
      expect(records[0].envelope).toEqual({ kind: 'hazard' });
    });

    it('rejects a file whose header is not exactly one of the three', async () => {
      expect((await read('PICC', opener(gbk('保单编号,企业名称,保费\r\nX1,某公司,100.00\r\n')))).check.ok).toBe(false);
      expect((await read('PICC', opener(gbk(`${hazardHeader},多余\r\n`)))).check.ok).toBe(false);
      expect((await read('PICC', opener(''))).check.ok).toBe(false);
    });

    it('makes a stray quote, a wrong column count and undecodable bytes one malformed record each', async () => {
      const bad = Buffer.concat([
        gbk(`${hazardRow('A3', '坏')}`).subarray(0, 10),
        Buffer.from([0x81, 0x20]),
        gbk(hazardRow('A3').slice(10)),
      ]);
      const file = Buffer.concat([
        gbk(`${hazardHeader}\r\n${hazardRow('A1', '描"述')}\r\n${hazardRow('A2')},多余\r\n`),
        bad,
        gbk(`\r\n${hazardRow('A4', '"ok"x')}\r\n${hazardRow('A5')}\r\n`),
      ]);
      const { records } = await read('PICC', opener(file));
      expect(records.map((r) => [r.recordIndex, r.malformed ? 'malformed' : 'ok'])).toEqual([
        [1, 'malformed'],
        [2, 'malformed'],
        [3, 'malformed'],
        [4, 'malformed'],
        [5, 'ok'],
      ]);
      expect(records[2].malformed!.message).toMatch(/decode/);
    });

    it('frames the lines a broken record did not need again, with the lines after them', async () => {
      const file = gbk(
        `${hazardHeader}\r\n${hazardRow('A1', '描"述')}\r\n${hazardRow('A2', '"多\r\n行"')}\r\n${hazardRow('A3')}\r\n`,
      );
      const { records } = await read('PICC', opener(file));
      expect(records.map((r) => (r.malformed ? 'malformed' : r.sourceId))).toEqual(['malformed', 'A2', 'A3']);
      expect(records[1].fields!['隐患描述']).toBe('多\r\n行');
    });

    it('gives up only the first line of a quote that never closes', async () => {
      const file = gbk(
        `${hazardHeader}\r\n${hazardRow('A1', '"不闭合')}\r\n${hazardRow('A2')}\r\n${hazardRow('A3')}\r\n`,
      );
      const { records } = await read('PICC', opener(file));
      expect(records.map((r) => (r.malformed ? 'malformed' : r.sourceId))).toEqual(['malformed', 'A2', 'A3']);
    });
  });

  describe('PINGAN (NDJSON)', () => {
    it('counts non-blank lines and marks bad ones malformed', async () => {
      const file = Buffer.concat([
        Buffer.from('{"recordType":"POLICY","policyNo":"P1"}\r\n\n   \n[1,2]\n{"recordType":"HAZARD","dangerNo":'),
        Buffer.from('"H1"}\n{"broken"\n'),
        Buffer.from([0xff, 0xfe, 0x7b, 0x7d, 0x0a]),
        Buffer.from('{"recordType":"SERVICE","serviceNo":"S1"}'),
      ]);
      const { check, records } = await read('PINGAN', opener(file));
      expect(check).toEqual({ ok: true, records: 6 });
      expect(records.map((r) => [r.recordIndex, r.sourceId, r.malformed?.message.slice(0, 12) ?? null])).toEqual([
        [1, 'P1', null],
        [2, null, 'the line is '],
        [3, 'H1', null],
        [4, null, 'not a JSON l'],
        [5, null, 'bytes that d'],
        [6, 'S1', null],
      ]);
    });
  });

  describe('CPIC (XML)', () => {
    const doc = (body: string, root = '<AJXBatch insurer="CPIC" batchNo="B1" created="2025-07-01T10:00:00+08:00">') =>
      `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n${body}\n</AJXBatch>\n`;

    it('turns elements into JSON keeping CPIC names, counting unknown children as records', async () => {
      const xml = doc(
        '<Service id="S1" seq="1"><Summary><![CDATA[a<b]]></Summary><Staff><Person cert="C1">甲</Person><Person>乙</Person></Staff><Location/></Service><Invoice no="1"/><Policy action="NEW"><PolicyNo>P1</PolicyNo></Policy>',
      );
      const { check, records } = await read('CPIC', opener(xml.slice(0, 40), xml.slice(40)));
      expect(check).toEqual({ ok: true, records: 3 });
      expect(records[0]).toMatchObject({
        recordIndex: 1,
        sourceId: 'S1',
        envelope: { insurer: 'CPIC', batchNo: 'B1', created: '2025-07-01T10:00:00+08:00' },
        fields: {
          Service: {
            '@id': 'S1',
            '@seq': '1',
            Summary: 'a<b',
            Staff: { Person: [{ '@cert': 'C1', '#text': '甲' }, '乙'] },
            Location: '',
          },
        },
      });
      expect(records[1].fields).toEqual({ Invoice: { '@no': '1' } });
      expect(records[2].sourceId).toBe('P1');
    });

    it.each([
      ['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE AJXBatch [<!ENTITY a "x">]><AJXBatch insurer="CPIC"></AJXBatch>'],
      ['an undeclared entity', doc('<Policy><PolicyNo>&a;</PolicyNo></Policy>')],
      ['a truncated document', doc('<Policy><PolicyNo>P1</PolicyNo>').slice(0, -12)],
      ['another root', '<Batch insurer="CPIC"></Batch>'],
      ['no declared insurer', '<AJXBatch batchNo="1"></AJXBatch>'],
      ['an empty file', ''],
    ])('refuses %s as a whole file', async (_what, xml) => {
      expect((await read('CPIC', opener(xml))).check.ok).toBe(false);
    });
  });

  describe('DADI (legacy JSON)', () => {
    it('streams the elements of sj, marking non-objects malformed', async () => {
      const json = '{"gsdm":"DADI","pch":"P1","sj":[{"lx":"bd","bdh":"B1","bf":1234.5},"x",[1],{"lx":"yh","yhbh":7}]}';
      const { check, records } = await read('DADI', opener(json.slice(0, 20), json.slice(20)));
      expect(check).toEqual({ ok: true, records: 4 });
      expect(records.map((r) => [r.recordIndex, r.sourceId, r.malformed ? 'malformed' : 'ok'])).toEqual([
        [1, 'B1', 'ok'],
        [2, null, 'malformed'],
        [3, null, 'malformed'],
        [4, '7', 'ok'],
      ]);
      expect(records[0]).toMatchObject({ envelope: { gsdm: 'DADI', pch: 'P1' }, fields: { bf: 1234.5 } });
    });

    it('keeps the digits of integers too large for a double (a USCC sent as a number)', async () => {
      const { records } = await read(
        'DADI',
        opener('{"gsdm":"DADI","sj":[{"lx":"bd","xydm":913708279487692792,"cyrs":20}]}'),
      );
      expect(records[0].fields).toMatchObject({ xydm: '913708279487692792', cyrs: 20 });
    });

    it('reads the envelope even when it comes after sj', async () => {
      const { records } = await read('DADI', opener('{"sj":[{"lx":"bd","bdh":"B1"}],"pch":"P9","gsdm":"DADI"}'));
      expect(records[0].envelope).toEqual({ gsdm: 'DADI', pch: 'P9' });
    });

    it.each([
      ['truncated JSON', '{"gsdm":"DADI","sj":[{"lx":"bd"'],
      ['a top-level array', '[{"lx":"bd"}]'],
      ['no sj', '{"gsdm":"DADI"}'],
      ['sj not an array', '{"gsdm":"DADI","sj":{}}'],
      ['no gsdm', '{"sj":[]}'],
      ['trailing garbage', '{"gsdm":"DADI","sj":[]} x'],
    ])('refuses %s as a whole file', async (_what, json) => {
      expect((await read('DADI', opener(json))).check.ok).toBe(false);
    });
  });
});

describe('PICC quoted-record fast path', () => {
  it('agrees with csv-parse on every record, and declines exactly where csv-parse fails', () => {
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', '甲', ',', '"', '\n', ' ', '\r\n') }),
      fc.string({ unit: fc.constantFrom('a', '甲', ' ') }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell, fc.boolean()), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (cells, spoil) => {
          let text = cells.map(([c, q]) => (q || /[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
          if (spoil) text = text.replace(/"(,|$)/, '"x$1');
          if (!text.includes('"')) return;
          const fast = splitQuotedRecord(text);
          let slow: string[] | null;
          try {
            const rows = parse(text, { relax_column_count: true });
            slow = rows.length === 1 ? rows[0] : null;
          } catch {
            slow = null;
          }
          if (fast) expect(fast).toEqual(slow);
          else expect(slow).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });
});
