import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { ReportCell, ReportColumn, ReportDocument, ReportSection, ReportTable } from './report-document';
import { validateReportDocument } from './report-document';
import { renderChartSvg } from './report-chart';
import { type ReportFont, openReportFace, reportFontFromEnv } from './report-font';
import { chineseNumeral, columnHeading, formatBeijingTime, formatReportCell, isNumericKind } from './report-values';

/*
 * PDF (pdfkit): A4 portrait, Chinese throughout in the embedded CJK font (subset, so a report is tens of KB, not the
 * font's 20 MB). Every page carries a header (title, filing department, period), an optional diagonal marking and
 * "第 n 页 共 m 页"; tables break across pages with their heading row repeated; each section with a chart ends with it,
 * drawn as vectors from ECharts' server-side SVG.
 */

export interface PdfRenderOptions {
  /** The CJK font; default: from the environment (AJX_REPORT_FONT_FILE …), else Debian's Noto Sans CJK SC. */
  font?: ReportFont;
}

type Doc = PDFKit.PDFDocument;

interface TableLayout {
  rows: string[][];
  totals?: string[];
  headings: string[];
  widths: number[];
  headerHeight: number;
  rowHeights: number[];
  totalsHeight: number;
  /** Height the table needs on the page where it starts. */
  opening: number;
}

const REGULAR = 'report-cjk';
const BOLD = 'report-cjk-bold';
const CHART_FONT_FAMILY = 'ReportCJK';

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 66, bottom: 56, left: 48, right: 48 };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const BOTTOM = PAGE.height - MARGIN.bottom;

const TABLE_FONT_SIZE = 8.5;
const CELL_PAD_X = 4;
const CELL_PAD_Y = 3.2;
const CHART_HEIGHT = 200;
// ECharts lays the chart out in CSS pixels; it is drawn 4:3 smaller, so a 12px label prints at 9pt.
const CHART_PX_PER_PT = 4 / 3;

const COLOURS = {
  text: '#1a1a1a',
  muted: '#5f6b7a',
  rule: '#9eaab8',
  headerFill: '#dce6f1',
  zebra: '#f5f8fc',
  totalsFill: '#e9eef5',
  accent: '#1f4e79',
};

function registerFonts(doc: Doc, font: ReportFont): void {
  const regular = openReportFace(font.file, font.family);
  const bold = font.boldFile === undefined ? regular : openReportFace(font.boldFile, font.boldFamily);
  // pdfkit takes a fontkit font as the source (its types only list files and bytes).
  doc.registerFont(REGULAR, regular as never);
  doc.registerFont(BOLD, bold as never);
}

/** Collects the PDF stream into one Buffer. */
function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

class PdfLayout {
  constructor(
    private readonly doc: Doc,
    private readonly report: ReportDocument,
  ) {}

  get y(): number {
    return this.doc.y;
  }

  /** Starts a new page when `height` does not fit on this one. */
  ensureRoom(height: number): boolean {
    if (this.doc.y + height <= BOTTOM) return false;
    this.doc.addPage();
    this.doc.y = MARGIN.top;
    return true;
  }

  titleBlock(): void {
    const { doc, report } = this;
    doc.font(BOLD).fontSize(20).fillColor(COLOURS.text);
    doc.text(report.title, MARGIN.left, MARGIN.top + 6, { width: CONTENT_WIDTH, align: 'center' });
    doc.moveDown(0.4);
    doc.font(REGULAR).fontSize(13).text(report.scopeName, { width: CONTENT_WIDTH, align: 'center' });
    doc.moveDown(0.2);
    doc.fontSize(11.5).text(report.period.label, { width: CONTENT_WIDTH, align: 'center' });
    doc.moveDown(0.3);
    doc
      .fontSize(8.5)
      .fillColor(COLOURS.muted)
      .text(
        `统计期间 ${report.period.from} 至 ${report.period.to}    生成时间 ${formatBeijingTime(report.generatedAt)}（北京时间）`,
        {
          width: CONTENT_WIDTH,
          align: 'center',
        },
      );
    doc.moveDown(0.6);
    this.rule(doc.y, COLOURS.accent, 1.2);
    doc.y += 10;
    const summary = report.summary ?? [];
    if (summary.length > 0) {
      doc.font(REGULAR).fontSize(10).fillColor(COLOURS.text);
      const lineGap = 3;
      const text = summary.map((line) => `· ${line}`).join('\n');
      const height = doc.heightOfString(text, { width: CONTENT_WIDTH - 20, lineGap }) + 14;
      this.ensureRoom(height);
      const top = doc.y;
      doc.rect(MARGIN.left, top, CONTENT_WIDTH, height).fill(COLOURS.zebra);
      doc.rect(MARGIN.left, top, 3, height).fill(COLOURS.accent);
      doc.fillColor(COLOURS.text).text(text, MARGIN.left + 12, top + 7, { width: CONTENT_WIDTH - 20, lineGap });
      doc.y = top + height + 12;
    }
  }

  section(section: ReportSection, index: number): void {
    const { doc } = this;
    const heading = `${chineseNumeral(index + 1)}、${section.title}`;
    // Keep a heading with the start of what follows it.
    doc.font(REGULAR).fontSize(8.5);
    const noteHeight = section.note === undefined ? 0 : doc.heightOfString(section.note, { width: CONTENT_WIDTH }) + 4;
    const [first] = section.tables;
    const next =
      first !== undefined ? this.measureTable(first).opening : section.chart !== undefined ? CHART_HEIGHT + 6 : 0;
    this.ensureRoom((index === 0 ? 0 : 8) + 24 + noteHeight + next);
    doc.y += index === 0 ? 0 : 8;
    doc.outline.addItem(heading);
    doc.font(BOLD).fontSize(13).fillColor(COLOURS.accent).text(heading, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
    doc.y += 4;
    if (section.note !== undefined) {
      doc
        .font(REGULAR)
        .fontSize(8.5)
        .fillColor(COLOURS.muted)
        .text(section.note, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
      doc.y += 4;
    }
    for (const table of section.tables) this.table(table, section.title);
    if (section.chart !== undefined) {
      this.ensureRoom(CHART_HEIGHT + 6);
      const svg = renderChartSvg(section.chart, {
        width: Math.round(CONTENT_WIDTH * CHART_PX_PER_PT),
        height: Math.round(CHART_HEIGHT * CHART_PX_PER_PT),
        fontFamily: CHART_FONT_FAMILY,
      });
      const top = doc.y + 2;
      SVGtoPDF(doc, svg, MARGIN.left, top, {
        width: CONTENT_WIDTH,
        height: CHART_HEIGHT,
        preserveAspectRatio: 'xMidYMid meet',
        fontCallback: (_family, bold) => (bold ? BOLD : REGULAR),
      });
      doc.y = top + CHART_HEIGHT + 8;
    }
    doc.y += 6;
  }

  private columnWidths(table: ReportTable, texts: string[][], headings: string[]): number[] {
    const { doc } = this;
    doc.fontSize(TABLE_FONT_SIZE);
    const cellWidths = table.columns.map((_, c) =>
      Math.max(...texts.map((row) => doc.font(REGULAR).widthOfString(row[c])), 0),
    );
    const headingWidths = headings.map((h) => doc.font(BOLD).widthOfString(h));
    const natural = table.columns.map((_, c) => Math.max(cellWidths[c], headingWidths[c]) + 2 * CELL_PAD_X + 1);
    // Numbers never wrap; headings and text may (a heading wraps down to two characters a line at least).
    const minimum = table.columns.map((column, c) => {
      const floor = doc.font(BOLD).widthOfString('字字') + 2 * CELL_PAD_X + 1;
      const cells = column.kind === 'text' ? Math.min(cellWidths[c], 110) : cellWidths[c];
      return Math.max(cells + 2 * CELL_PAD_X + 1, floor);
    });
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    if (sum(natural) <= CONTENT_WIDTH) {
      const spare = CONTENT_WIDTH - sum(natural);
      // Spread the spare width evenly, so narrow tables still span the page.
      return natural.map((w) => w + spare / natural.length);
    }
    if (sum(minimum) <= CONTENT_WIDTH) {
      const spare = CONTENT_WIDTH - sum(minimum);
      const wanted = natural.map((w, c) => w - minimum[c]);
      const total = sum(wanted);
      return minimum.map((w, c) => w + (total === 0 ? 0 : (spare * wanted[c]) / total));
    }
    const scale = CONTENT_WIDTH / sum(minimum);
    return minimum.map((w) => w * scale);
  }

  private rowHeight(texts: string[], widths: number[], font: string): number {
    const { doc } = this;
    doc.font(font).fontSize(TABLE_FONT_SIZE);
    return (
      Math.max(...texts.map((text, c) => doc.heightOfString(text || ' ', { width: widths[c] - 2 * CELL_PAD_X }))) +
      2 * CELL_PAD_Y
    );
  }

  private drawRow(
    texts: string[],
    columns: ReportColumn[],
    widths: number[],
    style: { font: string; fill?: string; align?: 'center'; topRule?: boolean },
  ): void {
    const { doc } = this;
    const height = this.rowHeight(texts, widths, style.font);
    const top = doc.y;
    if (style.fill) doc.rect(MARGIN.left, top, CONTENT_WIDTH, height).fill(style.fill);
    let x = MARGIN.left;
    doc.font(style.font).fontSize(TABLE_FONT_SIZE).fillColor(COLOURS.text);
    texts.forEach((text, c) => {
      const align = style.align ?? (isNumericKind(columns[c].kind) ? 'right' : 'left');
      doc.text(text, x + CELL_PAD_X, top + CELL_PAD_Y, { width: widths[c] - 2 * CELL_PAD_X, align, lineBreak: true });
      x += widths[c];
    });
    doc.lineWidth(style.topRule ? 0.9 : 0.4).strokeColor(COLOURS.rule);
    if (style.topRule)
      doc
        .moveTo(MARGIN.left, top)
        .lineTo(MARGIN.left + CONTENT_WIDTH, top)
        .stroke();
    doc.lineWidth(0.4);
    doc
      .moveTo(MARGIN.left, top + height)
      .lineTo(MARGIN.left + CONTENT_WIDTH, top + height)
      .stroke();
    doc.y = top + height;
  }

  /** Texts, column widths and row heights of a table as it will be drawn. */
  private measureTable(table: ReportTable): TableLayout {
    const cellText = (row: Readonly<Record<string, ReportCell>>): string[] =>
      table.columns.map((column) => formatReportCell(column.kind, row[column.key], '—'));
    const rows = table.rows.map(cellText);
    const totals = table.totals === undefined ? undefined : cellText(table.totals);
    const headings = table.columns.map(columnHeading);
    const widths = this.columnWidths(table, [...rows, ...(totals ? [totals] : [])], headings);
    const headerHeight = this.rowHeight(headings, widths, BOLD);
    const rowHeights = rows.map((texts) => this.rowHeight(texts, widths, REGULAR));
    const totalsHeight = totals ? this.rowHeight(totals, widths, BOLD) : 0;
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    // A table starts where its heading and first rows fit (a short table: all of it).
    const body = rows.length <= 4 ? sum(rowHeights) + totalsHeight : sum(rowHeights.slice(0, 3));
    const opening = (table.title !== undefined ? 18 : 0) + headerHeight + body + 4;
    return { rows, totals, headings, widths, headerHeight, rowHeights, totalsHeight, opening };
  }

  table(table: ReportTable, sectionTitle: string): void {
    const { doc } = this;
    const { rows, totals, headings, widths, rowHeights, totalsHeight, opening } = this.measureTable(table);

    const caption = (text: string, continued: boolean): void => {
      doc
        .font(continued ? REGULAR : BOLD)
        .fontSize(continued ? 8 : 10)
        .fillColor(continued ? COLOURS.muted : COLOURS.text)
        .text(text, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
      doc.y += 3;
    };
    const header = (): void => {
      const top = doc.y;
      this.drawRow(headings, table.columns, widths, {
        font: BOLD,
        fill: COLOURS.headerFill,
        align: 'center',
        topRule: true,
      });
      // Column separators in the heading row only: the body stays light.
      doc.lineWidth(0.4).strokeColor('#ffffff');
      let x = MARGIN.left;
      for (const w of widths.slice(0, -1)) {
        x += w;
        doc
          .moveTo(x, top + 2)
          .lineTo(x, doc.y - 2)
          .stroke();
      }
    };

    // The totals row never stands alone at the top of a page: the last body row goes with it.
    this.ensureRoom(opening);
    doc.y += 4;
    if (table.title !== undefined) caption(table.title, false);
    header();
    const continued = (): void => {
      caption(`${table.title ?? sectionTitle}（续）`, true);
      header();
    };
    rows.forEach((texts, r) => {
      const last = r === rows.length - 1;
      if (this.ensureRoom(rowHeights[r] + (last ? totalsHeight : 0))) continued();
      this.drawRow(texts, table.columns, widths, { font: REGULAR, fill: r % 2 === 1 ? COLOURS.zebra : undefined });
    });
    if (totals) {
      if (this.ensureRoom(totalsHeight)) continued();
      this.drawRow(totals, table.columns, widths, { font: BOLD, fill: COLOURS.totalsFill, topRule: true });
    }
    doc.y += 8;
  }

  private rule(y: number, colour: string, width: number): void {
    this.doc
      .lineWidth(width)
      .strokeColor(colour)
      .moveTo(MARGIN.left, y)
      .lineTo(MARGIN.left + CONTENT_WIDTH, y)
      .stroke();
  }

  /** Header, marking and page numbers on every page, once the page count is known. */
  decoratePages(): void {
    const { doc, report } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i += 1) {
      doc.switchToPage(i);
      // Writing inside the margins must not start a new page.
      const margins = { ...doc.page.margins };
      doc.page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
      if (report.watermark !== undefined) this.watermark(report.watermark);
      doc.font(REGULAR).fontSize(8).fillColor(COLOURS.muted);
      doc.text(`${report.title} · ${report.scopeName}`, MARGIN.left, 30, {
        width: CONTENT_WIDTH * 0.62,
        lineBreak: false,
      });
      doc.text(report.period.label, MARGIN.left, 30, { width: CONTENT_WIDTH, align: 'right', lineBreak: false });
      this.rule(44, COLOURS.rule, 0.5);
      doc
        .font(REGULAR)
        .fontSize(8.5)
        .fillColor(COLOURS.muted)
        .text(`第 ${i - range.start + 1} 页 共 ${range.count} 页`, MARGIN.left, PAGE.height - 36, {
          width: CONTENT_WIDTH,
          align: 'center',
          lineBreak: false,
        });
      doc.page.margins = margins;
    }
  }

  private watermark(text: string): void {
    const { doc } = this;
    doc.save();
    doc.font(REGULAR).fontSize(30).fillColor('#8a94a3').fillOpacity(0.1);
    const width = doc.widthOfString(text);
    for (const [cx, cy] of [
      [PAGE.width * 0.3, PAGE.height * 0.28],
      [PAGE.width * 0.7, PAGE.height * 0.5],
      [PAGE.width * 0.3, PAGE.height * 0.72],
    ]) {
      doc.save();
      doc.rotate(-30, { origin: [cx, cy] });
      doc.text(text, cx - width / 2, cy - 15, { lineBreak: false });
      doc.restore();
    }
    doc.restore();
    doc.fillOpacity(1);
  }
}

/** The report as a PDF (A4, Chinese, embedded subset CJK font, one chart per section that has one). */
export async function renderReportPdf(report: ReportDocument, options: PdfRenderOptions = {}): Promise<Buffer> {
  validateReportDocument(report);
  const font = options.font ?? reportFontFromEnv();
  const generated = new Date(Date.parse(report.generatedAt));
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: true,
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: `${report.title}（${report.scopeName} ${report.period.label}）`,
      Author: report.scopeName,
      Subject: report.period.label,
      Creator: 'AJX Hub',
      Producer: 'AJX Hub report-rendering (pdfkit)',
      CreationDate: generated,
      ModDate: generated,
    },
  });
  const bytes = collect(doc);
  try {
    registerFonts(doc, font);
    const layout = new PdfLayout(doc, report);
    layout.titleBlock();
    report.sections.forEach((section, s) => layout.section(section, s));
    layout.decoratePages();
  } catch (error) {
    doc.end();
    await bytes.catch(() => undefined);
    throw error;
  }
  doc.end();
  return bytes;
}
