import { type Cell, type Row, type Worksheet, Workbook } from 'exceljs';
import {
  type ReportCell,
  type ReportColumn,
  type ReportColumnKind,
  type ReportDocument,
  type ReportTable,
  validateReportDocument,
} from './report-document';
import { chineseNumeral, columnHeading, formatBeijingTime, formatReportCell, isNumericKind } from './report-values';

/*
 * XLSX (ExcelJS): a cover sheet (title, filing department, period, generation time, marking, summary, a linked table of
 * contents), then one sheet per section with its tables one under another. Values are real numbers with number
 * formats, so the figures can be summed and charted in Excel: amounts as 元 (`#,##0.00"元"`), rates as `0.00%`.
 * Text cells are plain strings: XLSX keeps formulas in their own element, so a value like `=1+1` is never evaluated.
 */

export const XLSX_NUMBER_FORMATS: Readonly<Record<Exclude<ReportColumnKind, 'text'>, string>> = {
  count: '#,##0',
  fen: '#,##0.00"元"',
  rate: '0.00%',
  percentChange: '+0.00%;-0.00%;0.00%',
  date: 'yyyy-mm-dd',
};

export const COVER_SHEET_NAME = '报告概要';

const HEADER_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } } as const;
const THIN = { style: 'thin', color: { argb: 'FF9EAAB8' } } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FONT = 'Microsoft YaHei';

/** Excel's rules for a sheet name: 1–31 characters, none of []:*?/\, not starting or ending with ', unique (case-insensitive). */
export function sheetNames(titles: readonly string[], reserved: readonly string[] = []): string[] {
  const taken = new Set(reserved.map((name) => name.toLowerCase()));
  return titles.map((title) => {
    let base = title
      .replace(/[[\]:*?/\\]/g, '_')
      .replace(/\p{Cc}/gu, '')
      .replace(/^'+|'+$/g, '')
      .trim();
    if (base === '' || base.toLowerCase() === 'history') base = `${base}表`;
    base = [...base].slice(0, 31).join('');
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n += 1) {
      const suffix = `(${n})`;
      name = [...base].slice(0, 31 - suffix.length).join('') + suffix;
    }
    taken.add(name.toLowerCase());
    return name;
  });
}

/** `&` starts a code in Excel's page header/footer: a literal one is written `&&`. */
function headerFooterText(value: string): string {
  return value.replace(/&/g, '&&');
}

/** Width of a text in Excel's character units: full-width (CJK) characters take two. */
function displayWidth(value: string): number {
  let width = 0;
  for (const ch of value) width += /[\u1100-\uffff]/.test(ch) && !/[\uff61-\uff9f]/.test(ch) ? 2 : 1;
  return width;
}

function isoDateToExcel(value: string): Date {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function cellValue(kind: ReportColumnKind, value: ReportCell | undefined): string | number | Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return kind === 'date' ? isoDateToExcel(value) : value;
  // fen → 元 as a number: the division is exact to the cent in a double for any amount below 2^53 fen / 100.
  return kind === 'fen' ? value / 100 : value;
}

function styleCell(cell: Cell, column: ReportColumn, bold: boolean): void {
  cell.font = { name: FONT, size: 10, bold };
  cell.border = BORDER;
  if (column.kind !== 'text') cell.numFmt = XLSX_NUMBER_FORMATS[column.kind];
  cell.alignment = { vertical: 'middle', horizontal: isNumericKind(column.kind) ? 'right' : 'left' };
}

function writeTable(sheet: Worksheet, table: ReportTable, widths: number[]): number {
  const span = table.columns.length;
  if (table.title !== undefined) {
    const titleRow = sheet.addRow([table.title]);
    titleRow.getCell(1).font = { name: FONT, size: 11, bold: true };
  }
  const headings = table.columns.map(columnHeading);
  const headerRow = sheet.addRow(headings);
  headerRow.height = 20;
  headerRow.eachCell((cell) => {
    cell.font = { name: FONT, size: 10, bold: true };
    cell.fill = HEADER_FILL;
    cell.border = BORDER;
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  });
  const addValues = (values: Readonly<Record<string, ReportCell>>, bold: boolean): Row => {
    const row = sheet.addRow(table.columns.map((column) => cellValue(column.kind, values[column.key])));
    table.columns.forEach((column, c) => styleCell(row.getCell(c + 1), column, bold));
    return row;
  };
  for (const values of table.rows) addValues(values, false);
  if (table.totals !== undefined) {
    const totals = addValues(table.totals, true);
    totals.eachCell({ includeEmpty: true }, (cell, c) => {
      if (c <= span) cell.border = { ...BORDER, top: { style: 'double', color: { argb: 'FF5B6B7D' } } };
    });
  }
  table.columns.forEach((column, c) => {
    const texts = [
      headings[c],
      ...[...table.rows, ...(table.totals ? [table.totals] : [])].map((r) =>
        formatReportCell(column.kind, r[column.key]),
      ),
    ];
    // Cells formatted as 元 print the unit too; dates print as yyyy-mm-dd.
    const extra = column.kind === 'fen' ? 2 : 0;
    widths[c] = Math.max(widths[c] ?? 0, ...texts.map((t) => displayWidth(t) + extra));
  });
  return headerRow.number;
}

function pageSetup(sheet: Worksheet, doc: ReportDocument): void {
  sheet.pageSetup.paperSize = 9; // A4
  sheet.pageSetup.orientation = 'portrait';
  sheet.pageSetup.fitToPage = true;
  sheet.pageSetup.fitToWidth = 1;
  sheet.pageSetup.fitToHeight = 0;
  const marking = doc.watermark === undefined ? '' : `&R${headerFooterText(doc.watermark)}`;
  sheet.headerFooter.oddHeader = `&L${headerFooterText(doc.scopeName)}&C${headerFooterText(doc.title)}${marking}`;
  sheet.headerFooter.oddFooter = `&L${headerFooterText(doc.period.label)}&C第 &P 页 共 &N 页`;
}

/** The report as an XLSX workbook. */
export async function renderReportXlsx(doc: ReportDocument): Promise<Buffer> {
  validateReportDocument(doc);
  const workbook = new Workbook();
  const generated = new Date(Date.parse(doc.generatedAt));
  workbook.creator = 'AJX Hub';
  workbook.title = doc.title;
  workbook.subject = `${doc.scopeName} ${doc.period.label}`;
  workbook.created = generated;
  workbook.modified = generated;

  const names = sheetNames(
    doc.sections.map((section) => section.title),
    [COVER_SHEET_NAME],
  );

  const cover = workbook.addWorksheet(COVER_SHEET_NAME, { properties: { tabColor: { argb: 'FF1F4E79' } } });
  pageSetup(cover, doc);
  cover.getColumn(1).width = 14;
  cover.getColumn(2).width = 60;
  const title = cover.addRow([doc.title]);
  title.getCell(1).font = { name: FONT, size: 16, bold: true };
  title.height = 28;
  cover.mergeCells(title.number, 1, title.number, 2);
  cover.addRow([]);
  const facts: [string, string][] = [
    ['填报单位', doc.scopeName],
    ['统计期间', doc.period.label],
    ['起止日期', `${doc.period.from} 至 ${doc.period.to}`],
    ['生成时间', formatBeijingTime(doc.generatedAt)],
  ];
  if (doc.watermark !== undefined) facts.push(['标注', doc.watermark]);
  for (const [label, value] of facts) {
    const row = cover.addRow([label, value]);
    row.getCell(1).font = { name: FONT, size: 11, bold: true };
    row.getCell(2).font = { name: FONT, size: 11 };
  }
  if ((doc.summary ?? []).length > 0) {
    cover.addRow([]);
    cover.addRow(['摘要']).getCell(1).font = { name: FONT, size: 11, bold: true };
    for (const line of doc.summary ?? []) {
      const row = cover.addRow(['', line]);
      row.getCell(2).font = { name: FONT, size: 11 };
      row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    }
  }
  cover.addRow([]);
  cover.addRow(['目录']).getCell(1).font = { name: FONT, size: 11, bold: true };
  doc.sections.forEach((section, s) => {
    const row = cover.addRow([`${chineseNumeral(s + 1)}、`, '']);
    row.getCell(2).value = { text: section.title, hyperlink: `#'${names[s].replace(/'/g, "''")}'!A1` };
    row.getCell(2).font = { name: FONT, size: 11, color: { argb: 'FF0563C1' }, underline: true };
    row.getCell(1).alignment = { horizontal: 'right' };
  });

  doc.sections.forEach((section, s) => {
    const sheet = workbook.addWorksheet(names[s]);
    pageSetup(sheet, doc);
    const span = Math.max(1, ...section.tables.map((table) => table.columns.length));
    const heading = sheet.addRow([`${chineseNumeral(s + 1)}、${section.title}`]);
    heading.getCell(1).font = { name: FONT, size: 14, bold: true };
    heading.height = 24;
    if (span > 1) sheet.mergeCells(heading.number, 1, heading.number, span);
    if (section.note !== undefined) {
      const note = sheet.addRow([section.note]);
      note.getCell(1).font = { name: FONT, size: 10, italic: true, color: { argb: 'FF595959' } };
      note.getCell(1).alignment = { wrapText: true, vertical: 'top' };
      if (span > 1) sheet.mergeCells(note.number, 1, note.number, span);
    }
    const widths: number[] = [];
    let firstHeader = 0;
    section.tables.forEach((table, t) => {
      sheet.addRow([]);
      const header = writeTable(sheet, table, widths);
      if (t === 0) firstHeader = header;
    });
    widths.forEach((width, c) => {
      sheet.getColumn(c + 1).width = Math.min(48, Math.max(8, width + 2));
    });
    if (firstHeader > 0) {
      // Everything down to the first table's heading row stays in view while scrolling, and repeats on printed pages.
      sheet.views = [
        {
          state: 'frozen',
          xSplit: 0,
          ySplit: firstHeader,
          topLeftCell: `A${firstHeader + 1}`,
          activeCell: `A${firstHeader + 1}`,
        },
      ];
      sheet.pageSetup.printTitlesRow = `${firstHeader}:${firstHeader}`;
    }
  });

  const bytes = await workbook.xlsx.writeBuffer();
  return Buffer.from(bytes);
}
