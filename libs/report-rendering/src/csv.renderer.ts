import { type ReportDocument, validateReportDocument } from './report-document';
import { chineseNumeral, columnHeading, formatBeijingTime, formatReportCell } from './report-values';

/*
 * CSV: one file for the whole report, meant to be opened in Excel. UTF-8 with a byte-order mark (without it Excel
 * reads the bytes as the ANSI code page and Chinese turns to mojibake), CRLF line ends and RFC 4180 quoting. Sections
 * follow one another: a title line, the tables (heading row, rows, totals), a blank line. Every line has the same
 * number of fields (RFC 4180 §2.4), padded with empty fields, so a strict parser reads it as one grid.
 */

const BOM = '\uFEFF';

/**
 * Text that a spreadsheet would take for a formula is prefixed with `'` (OWASP "CSV injection"): a value beginning
 * with `=`, `+`, `-`, `@`, a tab or a carriage return. Applied to every text that comes from data or the document
 * (names, titles, notes); numbers are written by this renderer itself (`1,234.56`, `-0.50%`) and left as numbers.
 */
export function escapeSpreadsheetFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function quoteField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The report as CSV bytes (UTF-8 with BOM, CRLF). */
export function renderReportCsv(doc: ReportDocument): Buffer {
  validateReportDocument(doc);
  // Each line is a list of fields, already escaped or formatted; padding and quoting happen at the end.
  const lines: string[][] = [];
  const text = (value: string): string => escapeSpreadsheetFormula(value);

  lines.push([text(doc.title)]);
  lines.push(['填报单位', text(doc.scopeName)]);
  lines.push(['统计期间', text(doc.period.label)]);
  lines.push(['起止日期', `${doc.period.from} 至 ${doc.period.to}`]);
  lines.push(['生成时间', formatBeijingTime(doc.generatedAt)]);
  if (doc.watermark !== undefined) lines.push(['标注', text(doc.watermark)]);
  for (const line of doc.summary ?? []) lines.push([text(line)]);

  doc.sections.forEach((section, s) => {
    lines.push([]);
    lines.push([text(`${chineseNumeral(s + 1)}、${section.title}`)]);
    if (section.note !== undefined) lines.push([text(section.note)]);
    section.tables.forEach((table, t) => {
      if (t > 0) lines.push([]);
      if (table.title !== undefined) lines.push([text(table.title)]);
      lines.push(table.columns.map((column) => text(columnHeading(column))));
      const row = (values: Readonly<Record<string, string | number | null>>): string[] =>
        table.columns.map((column) => {
          const formatted = formatReportCell(column.kind, values[column.key]);
          return column.kind === 'text' || column.kind === 'date' ? text(formatted) : formatted;
        });
      for (const values of table.rows) lines.push(row(values));
      if (table.totals !== undefined) lines.push(row(table.totals));
    });
  });

  const width = Math.max(...lines.map((fields) => fields.length));
  const body = lines
    .map((fields) => [...fields, ...Array<string>(width - fields.length).fill('')].map(quoteField).join(','))
    .join('\r\n');
  return Buffer.from(`${BOM}${body}\r\n`, 'utf8');
}
