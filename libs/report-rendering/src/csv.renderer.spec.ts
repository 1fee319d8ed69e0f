import { parse } from 'csv-parse/sync';
import { escapeSpreadsheetFormula, renderReportCsv } from './csv.renderer';
import type { ReportDocument } from './report-document';
import { sampleWeeklyReport } from './sample-weekly-report';

function parseCsv(bytes: Buffer): string[][] {
  // Strict RFC 4180 parse: every record must have the same number of fields.
  return parse(bytes.toString('utf8'), { bom: true, relax_column_count: false });
}

describe('renderReportCsv', () => {
  const doc = sampleWeeklyReport();
  const bytes = renderReportCsv(doc);
  const records = parseCsv(bytes);

  it('writes UTF-8 with a byte-order mark and CRLF line ends', () => {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('parses back with Chinese intact: title, scope, period, then each section with its table', () => {
    expect(records[0][0]).toBe('安全生产责任保险工作周报');
    expect(records[1].slice(0, 2)).toEqual(['填报单位', '任城区应急管理局']);
    expect(records[2].slice(0, 2)).toEqual(['统计期间', '2026年第49周(11月30日—12月6日)']);
    const heading = records.findIndex((r) => r[0] === '一、投保概况');
    expect(heading).toBeGreaterThan(0);
    expect(records[heading - 1].every((f) => f === '')).toBe(true); // a blank line before each section
    const header = records.findIndex((r) => r[0] === '行业');
    expect(records[header]).toEqual([
      '行业',
      '登记企业',
      '在保',
      '风险抵押金',
      '未投保',
      '脱保',
      '退保',
      '投保率',
      '在保环比',
    ]);
    expect(records[header + 1]).toEqual(['危险化学品', '146', '131', '4', '6', '3', '2', '92.47%', '+2.34%']);
    expect(records[header + 3][8]).toBe('-2.78%'); // a number of ours is not taken for a formula
    expect(records[header + 10]).toEqual(['合计', '711', '628', '5', '48', '21', '9', '89.03%', '+2.61%']);
    const premium = records.findIndex((r) => r[0] === '承保公司' && r[2] === '保费（元）');
    expect(records[premium + 1].slice(0, 4)).toEqual(['人保财险济宁市分公司', '341', '3,187,426.50', '68,341.20']);
    expect(records.find((r) => r[0] === '七、目标进度')).toBeDefined();
    expect(records.find((r) => r[3] === '2026-11-18')?.[0]).toBe('济宁市任城区鑫源化工有限公司');
  });

  it('escapes text that a spreadsheet would run as a formula, and quotes commas, quotes and line breaks', () => {
    const hostile: ReportDocument = structuredClone(doc);
    const items = hostile.sections[5].tables[1];
    items.rows = [
      { ...items.rows[0], enterprise: '=HYPERLINK("http://evil.example","点我")' },
      { ...items.rows[1], enterprise: '+86 0537', problem: '-1+2' },
      { ...items.rows[2], enterprise: '@SUM(A1:A9)', problem: '\t=1' },
      { ...items.rows[3], enterprise: '济宁, "鑫源"\n化工', problem: '负责人 = 张三' },
    ];
    const rows = parseCsv(renderReportCsv(hostile));
    const start = rows.findIndex((r) => r[0] === '企业') + 1;
    expect(rows[start][0]).toBe(`'=HYPERLINK("http://evil.example","点我")`);
    expect(rows[start + 1].slice(0, 3)).toEqual(["'+86 0537", '91370811MA3DPL6W8R', "'-1+2"]);
    expect(rows[start + 2][0]).toBe("'@SUM(A1:A9)");
    expect(rows[start + 2][2]).toBe("'\t=1");
    expect(rows[start + 3][0]).toBe('济宁, "鑫源"\n化工');
    expect(rows[start + 3][2]).toBe('负责人 = 张三');
    expect(escapeSpreadsheetFormula('\rx')).toBe("'\rx");
    expect(escapeSpreadsheetFormula('任城区')).toBe('任城区');
  });

  it('pads every line to the same number of fields', () => {
    const widths = new Set(records.map((r) => r.length));
    expect([...widths]).toEqual([9]);
  });
});
