import { Workbook, type Worksheet } from 'exceljs';
import { sampleWeeklyReport } from './sample-weekly-report';
import { COVER_SHEET_NAME, renderReportXlsx, sheetNames } from './xlsx.renderer';

function rowOf(sheet: Worksheet, firstCell: string): number {
  for (let r = 1; r <= sheet.rowCount; r += 1) if (sheet.getRow(r).getCell(1).value === firstCell) return r;
  throw new Error(`no row starting with ${firstCell} in ${sheet.name}`);
}

describe('renderReportXlsx', () => {
  const workbook = new Workbook();

  beforeAll(async () => {
    const bytes = await renderReportXlsx(sampleWeeklyReport());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  });

  it('has a cover sheet and one sheet per section, named by the section', () => {
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      COVER_SHEET_NAME,
      '投保概况',
      '新增与续保',
      '保费',
      '预防服务',
      '隐患',
      '发现的问题',
      '目标进度',
    ]);
    const cover = workbook.getWorksheet(COVER_SHEET_NAME)!;
    expect(cover.getCell('A1').value).toBe('安全生产责任保险工作周报');
    const facts = Object.fromEntries(
      [3, 4, 5, 6, 7].map((r) => [cover.getRow(r).getCell(1).value, cover.getRow(r).getCell(2).value]),
    );
    expect(facts).toEqual({
      填报单位: '任城区应急管理局',
      统计期间: '2026年第49周(11月30日—12月6日)',
      起止日期: '2026-11-30 至 2026-12-06',
      生成时间: '2026-12-07 08:00',
      标注: '内部资料 注意保密',
    });
    const toc = rowOf(cover, '目录');
    expect(cover.getRow(toc + 3).getCell(2).value).toEqual({ text: '保费', hyperlink: "#'保费'!A1" });
  });

  it('styles and freezes the heading row and sizes the columns', () => {
    const sheet = workbook.getWorksheet('投保概况')!;
    expect(sheet.getCell('A1').value).toBe('一、投保概况');
    const header = rowOf(sheet, '行业');
    expect((sheet.getRow(header).values as unknown[]).slice(1)).toEqual([
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
    expect(sheet.getRow(header).getCell(1).font?.bold).toBe(true);
    expect(sheet.getRow(header).getCell(1).fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: header });
    expect(sheet.getColumn(1).width).toBeGreaterThanOrEqual(12);
  });

  it('stores amounts as 元 numbers with the 元 format and rates as fractions with %', () => {
    const coverage = workbook.getWorksheet('投保概况')!;
    const first = coverage.getRow(rowOf(coverage, '危险化学品'));
    expect(first.getCell(2).value).toBe(146);
    expect(first.getCell(2).numFmt).toBe('#,##0');
    expect(first.getCell(8).value).toBe(0.9247);
    expect(first.getCell(8).numFmt).toBe('0.00%');
    expect(first.getCell(9).numFmt).toBe('+0.00%;-0.00%;0.00%');
    const totals = coverage.getRow(rowOf(coverage, '合计'));
    expect(totals.getCell(2).value).toBe(711);
    expect(totals.getCell(1).font?.bold).toBe(true);

    const premium = workbook.getWorksheet('保费')!;
    const header = rowOf(premium, '承保公司');
    expect(premium.getRow(header).getCell(3).value).toBe('保费（元）');
    const picc = premium.getRow(header + 1);
    expect(picc.getCell(3).value).toBe(3187426.5);
    expect(picc.getCell(3).numFmt).toBe('#,##0.00"元"');
    expect(picc.getCell(5).value).toBe(0.5844);
    expect(premium.getRow(rowOf(premium, '合计')).getCell(3).value).toBe(5454620.25);
  });

  it('writes dates as dates, and empty cells for null values', () => {
    const findings = workbook.getWorksheet('发现的问题')!;
    const row = findings.getRow(rowOf(findings, '济宁市任城区鑫源化工有限公司'));
    expect(row.getCell(4).value).toEqual(new Date(Date.UTC(2026, 10, 18)));
    expect(row.getCell(4).numFmt).toBe('yyyy-mm-dd');
    const last = findings.getRow(rowOf(findings, '济宁市宏图机械制造有限公司'));
    expect(last.getCell(5).value).toBeNull();
    expect(findings.getRow(rowOf(findings, '按规则')).getCell(1).font?.bold).toBe(true);
  });
});

describe('sheetNames', () => {
  it('follows Excel: at most 31 characters, none of []:*?/\\, unique ignoring case, not History', () => {
    expect(
      sheetNames(
        ['投保概况', 'a[b]:c*d?e/f\\g', "'引号'", 'History', 'x'.repeat(40), 'X'.repeat(40), '报告概要'],
        ['报告概要'],
      ),
    ).toEqual([
      '投保概况',
      'a_b__c_d_e_f_g',
      '引号',
      'History表',
      'x'.repeat(31),
      'X'.repeat(28) + '(2)',
      '报告概要(2)',
    ]);
  });
});
