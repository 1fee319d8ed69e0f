import {
  REPORT_CONTENT_TYPES,
  contentDisposition,
  encodeRfc8187,
  isoWeekCode,
  reportAsciiFileName,
  reportDownload,
  reportFileName,
  reportPeriodCode,
} from './report-file-name';
import type { ReportDocument } from './report-document';
import { sampleWeeklyReport } from './sample-weekly-report';

describe('report file names and download headers', () => {
  const weekly = sampleWeeklyReport();

  it('names the file in Chinese by scope, kind and period', () => {
    expect(reportFileName(weekly, 'pdf')).toBe('任城区_周报_2026-W49.pdf');
    expect(reportAsciiFileName(weekly, 'xlsx')).toBe('370811_weekly_2026-W49.xlsx');
    const monthly: ReportDocument = {
      ...weekly,
      kind: 'monthly-scorecard',
      scopeName: '济宁市应急管理局',
      scopeShortName: undefined,
      scopeCode: '370800',
      period: { from: '2026-11-01', to: '2026-11-30', label: '2026年11月' },
    };
    expect(reportFileName(monthly, 'csv')).toBe('济宁市应急管理局_月度讲评_2026-11.csv');
    const bulletin: ReportDocument = { ...weekly, kind: 'city-bulletin', scopeShortName: '济宁/市:*?' };
    expect(reportFileName(bulletin, 'pdf')).toBe('济宁市_工作简报_2026-W49.pdf');
  });

  it('derives period codes: ISO weeks across years, months, days, ranges, or the given code', () => {
    expect(isoWeekCode('2026-11-30')).toBe('2026-W49');
    expect(isoWeekCode('2026-12-28')).toBe('2026-W53');
    expect(isoWeekCode('2027-01-03')).toBe('2026-W53');
    expect(isoWeekCode('2024-12-30')).toBe('2025-W01');
    const period = (from: string, to: string, code?: string) =>
      reportPeriodCode({ period: { from, to, label: 'x', code } });
    expect(period('2024-12-30', '2025-01-05')).toBe('2025-W01');
    expect(period('2026-02-01', '2026-02-28')).toBe('2026-02');
    expect(period('2026-12-01', '2026-12-07')).toBe('2026-12-01_2026-12-07'); // Tuesday to Monday: not an ISO week
    expect(period('2026-12-01', '2026-12-01')).toBe('2026-12-01');
    expect(period('2026-12-01', '2026-12-07', 'Q4-late')).toBe('Q4-late');
  });

  it('writes Content-Disposition with an ASCII fallback and the UTF-8 name percent-encoded (RFC 6266, RFC 8187)', () => {
    const header = contentDisposition('任城区_周报_2026-W49.pdf', '370811_weekly_2026-W49.pdf');
    expect(header).toBe(
      `attachment; filename="370811_weekly_2026-W49.pdf"; filename*=UTF-8''%E4%BB%BB%E5%9F%8E%E5%8C%BA_%E5%91%A8%E6%8A%A5_2026-W49.pdf`,
    );
    const encoded = /filename\*=UTF-8''(.+)$/.exec(header)![1];
    expect(decodeURIComponent(encoded)).toBe('任城区_周报_2026-W49.pdf');
    // Characters that encodeURIComponent would leave but RFC 8187 attr-char excludes.
    expect(encodeRfc8187("a'(b)*c d;e")).toBe('a%27%28b%29%2Ac%20d%3Be');
    // Without a fallback one is derived: ASCII only, no quotes or backslashes, never empty.
    expect(contentDisposition('任城区_周报_2026-W49.pdf')).toMatch(
      /^attachment; filename="2026-W49\.pdf"; filename\*=/,
    );
    expect(contentDisposition('周报.csv')).toMatch(/^attachment; filename="download\.csv"; /);
    expect(contentDisposition('a"b\\c.pdf')).toMatch(
      /^attachment; filename="abc\.pdf"; filename\*=UTF-8''a%22b%5Cc\.pdf$/,
    );
  });

  it('gives the content types and a complete download description', () => {
    expect(REPORT_CONTENT_TYPES).toEqual({
      csv: 'text/csv; charset=utf-8',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      pdf: 'application/pdf',
    });
    expect(reportDownload(weekly, 'xlsx')).toEqual({
      fileName: '任城区_周报_2026-W49.xlsx',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      contentDisposition: `attachment; filename="370811_weekly_2026-W49.xlsx"; filename*=UTF-8''${encodeURIComponent('任城区_周报_2026-W49.xlsx')}`,
    });
  });
});
