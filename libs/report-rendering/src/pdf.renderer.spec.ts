import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderReportPdf } from './pdf.renderer';
import type { ReportDocument, ReportRow } from './report-document';
import { ReportDocumentError } from './report-document';
import { DEFAULT_REPORT_FONT, ReportFontError, openReportFace, reportFontFromEnv } from './report-font';
import { sampleWeeklyReport } from './sample-weekly-report';

/** Runs a poppler tool; a missing one fails the test with what to do, never skips it. */
function poppler(tool: 'pdftotext' | 'pdftoppm' | 'pdffonts' | 'pdfinfo', args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `${tool} is not installed: run scripts/bootstrap.sh (it installs the Debian package poppler-utils)`,
      );
    }
    throw error;
  }
}

describe('renderReportPdf', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-report-pdf-'));
  const file = path.join(dir, 'weekly.pdf');
  let bytes: Buffer;
  let text: string;

  beforeAll(async () => {
    bytes = await renderReportPdf(sampleWeeklyReport());
    fs.writeFileSync(file, bytes);
    text = poppler('pdftotext', ['-layout', file, '-']);
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is a PDF whose text holds the county, the period and the figures as formatted', () => {
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    for (const expected of [
      '安全生产责任保险工作周报',
      '任城区应急管理局',
      '2026年第49周(11月30日—12月6日)',
      '统计期间 2026-11-30 至 2026-12-06',
      '一、投保概况',
      '七、目标进度',
      '危险化学品',
      '92.47%',
      '+2.34%',
      '-2.78%',
      '89.03%',
      '保费（元）',
      '3,187,426.50',
      '5,454,620.25',
      '113,290.20',
      '2026-11-18',
      '91370811MA3C4E7X2K',
    ]) {
      expect(text).toContain(expected);
    }
    // The coverage totals row, in table order.
    expect(text).toMatch(/合计\s+711\s+628\s+5\s+48\s+21\s+9\s+89\.03%\s+\+2\.61%/);
  });

  it('numbers every page "第 n 页 共 m 页" and repeats the header on each', () => {
    const pages = Number(/^Pages:\s+(\d+)/m.exec(poppler('pdfinfo', [file]))![1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    for (let page = 1; page <= pages; page += 1) {
      // pdftotext does not always see the spaces between Chinese words: compare without white space.
      const pageText = poppler('pdftotext', ['-f', String(page), '-l', String(page), file, '-']).replace(/\s+/g, '');
      expect(pageText).toContain(`第${page}页共${pages}页`);
      expect(pageText).toContain('安全生产责任保险工作周报·任城区应急管理局');
      expect(pageText).toContain('2026年第49周(11月30日—12月6日)');
    }
  });

  it('draws each chart as text in the embedded font: titles, Chinese category labels and value labels', () => {
    // Chart titles appear nowhere else; the axis of the rate chart is in percent; category labels are real text.
    expect(text).toContain('分行业投保率');
    expect(text).toContain('本周预防服务（次）');
    expect(text).toContain('保费构成（元）');
    expect(text).toMatch(/100%/);
    expect(text).toMatch(/人保 3,187,427（58\.4%）/); // pie label
    expect(text.split('标准化建设').length - 1).toBeGreaterThanOrEqual(2); // table row and chart axis
    // No tofu: only the CJK faces are in the file (next test), and they hold a glyph for every character drawn.
    const face = openReportFace(DEFAULT_REPORT_FONT.file, DEFAULT_REPORT_FONT.family);
    const drawn = [...new Set(text.replace(/\s/g, ''))];
    expect(drawn.length).toBeGreaterThan(200);
    expect(drawn.filter((ch) => !face.hasGlyphForCodePoint(ch.codePointAt(0)!))).toEqual([]);
  });

  it('embeds only the CJK font, subset', () => {
    const fonts = poppler('pdffonts', [file])
      .split('\n')
      .slice(2)
      .filter((line) => line.trim() !== '');
    expect(fonts.length).toBe(2);
    for (const line of fonts) {
      // name, type …, emb, sub, uni: a subset is named with a six-letter tag.
      expect(line).toMatch(/^[A-Z]{6}\+NotoSansCJKsc-(Regular|Bold)\s.*\byes\s+yes\s+yes\b/);
    }
    // A subset of a 20 MB collection: the whole report stays small.
    expect(bytes.length).toBeLessThan(400_000);
  });

  it('renders its first page to PNG', () => {
    poppler('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, path.join(dir, 'page1')]);
    const png = fs.readFileSync(path.join(dir, 'page1.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // 80 dpi A4 portrait (595.28 × 841.89 pt): 662 × 936 pixels (IHDR width and height).
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([662, 936]);
  });

  it('breaks a long table across pages with its heading row repeated', async () => {
    const doc: ReportDocument = structuredClone(sampleWeeklyReport());
    const items = doc.sections[5].tables[1];
    items.rows = Array.from({ length: 120 }, (_, i): ReportRow => ({
      enterprise: `测试企业第${i + 1}号有限公司`,
      uscc: `91370811MA3${String(i).padStart(6, '0')}X`,
      problem: '应保未保',
      since: '2026-12-02',
      insurer: null,
    }));
    const long = path.join(dir, 'long.pdf');
    fs.writeFileSync(long, await renderReportPdf(doc));
    const all = poppler('pdftotext', [long, '-']);
    for (const n of [1, 60, 120]) expect(all).toContain(`测试企业第${n}号有限公司`);
    const continued = all.split('\f').filter((page) => page.includes('重点督办事项（续）'));
    expect(continued.length).toBeGreaterThanOrEqual(2);
    for (const page of continued) expect(page).toMatch(/企业[\s\S]*统一社会信用代码[\s\S]*发现日期/);
  });

  it('refuses a missing font file with an error naming it and what to install', async () => {
    const missing = '/nonexistent/fonts/NotoSansCJK-Regular.ttc';
    const attempt = renderReportPdf(sampleWeeklyReport(), { font: { file: missing, family: 'NotoSansCJKsc-Regular' } });
    await expect(attempt).rejects.toThrow(ReportFontError);
    await expect(attempt).rejects.toThrow(`report font file not found: ${missing}`);
    await expect(attempt).rejects.toThrow(/fonts-noto-cjk.*AJX_REPORT_FONT_FILE/);
  });

  it('refuses a face the collection does not hold, naming it', async () => {
    const attempt = renderReportPdf(sampleWeeklyReport(), {
      font: { file: DEFAULT_REPORT_FONT.file, family: 'NoSuchFace-Regular' },
    });
    await expect(attempt).rejects.toThrow(ReportFontError);
    await expect(attempt).rejects.toThrow(
      `report font collection ${DEFAULT_REPORT_FONT.file} has no face "NoSuchFace-Regular"; its faces: `,
    );
    await expect(attempt).rejects.toThrow(/faces: .*NotoSansCJKsc-Regular/);
  });

  it('refuses an invalid document before drawing anything', async () => {
    const doc = structuredClone(sampleWeeklyReport());
    doc.sections[0].chart!.categories = [];
    await expect(renderReportPdf(doc)).rejects.toThrow(ReportDocumentError);
  });
});

describe('reportFontFromEnv', () => {
  it("defaults to Debian's Noto Sans CJK SC and takes a configured file and face", () => {
    expect(reportFontFromEnv({})).toEqual({
      file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
      family: 'NotoSansCJKsc-Regular',
      boldFile: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
      boldFamily: 'NotoSansCJKsc-Bold',
    });
    expect(
      reportFontFromEnv({
        AJX_REPORT_FONT_FILE: '/opt/fonts/SourceHanSans.ttc',
        AJX_REPORT_FONT_FAMILY: 'SourceHanSansSC-Regular',
      }),
    ).toEqual({
      file: '/opt/fonts/SourceHanSans.ttc',
      family: 'SourceHanSansSC-Regular',
      boldFile: undefined,
      boldFamily: undefined,
    });
  });

  it('renders with a configured single face (no bold file): headings use the regular face', async () => {
    const pdf = await renderReportPdf(sampleWeeklyReport(), {
      font: reportFontFromEnv({
        AJX_REPORT_FONT_FILE: DEFAULT_REPORT_FONT.file,
        AJX_REPORT_FONT_FAMILY: 'NotoSansCJKsc-Regular',
      }),
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-report-font-'));
    try {
      const file = path.join(dir, 'one-face.pdf');
      fs.writeFileSync(file, pdf);
      const fonts = poppler('pdffonts', [file]);
      expect(fonts).toContain('NotoSansCJKsc-Regular');
      expect(fonts).not.toContain('NotoSansCJKsc-Bold');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
