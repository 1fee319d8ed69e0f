import type { ReportDocument, ReportKind } from './report-document';

/*
 * File names and HTTP download headers. The file name is Chinese (任城区_周报_2026-W49.pdf); the Content-Disposition
 * header carries it in `filename*` (RFC 5987/8187 percent-encoded UTF-8, as RFC 6266 says) and an ASCII fallback in
 * `filename` for clients that know only that (370811_weekly_2026-W49.pdf).
 */

export type ReportFormat = 'csv' | 'xlsx' | 'pdf';

export const REPORT_FORMATS: readonly ReportFormat[] = ['csv', 'xlsx', 'pdf'];

export const REPORT_CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** How each kind is named in a file name (Chinese, and ASCII for the fallback). */
export const REPORT_KIND_LABELS: Readonly<Record<ReportKind, { zh: string; ascii: string }>> = {
  weekly: { zh: '周报', ascii: 'weekly' },
  'city-bulletin': { zh: '工作简报', ascii: 'bulletin' },
  'monthly-scorecard': { zh: '月度讲评', ascii: 'monthly' },
  custom: { zh: '报告', ascii: 'report' },
};

function utcDate(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

/** ISO 8601 week of a date: `2026-12-01` → `2026-W49`. */
export function isoWeekCode(iso: string): string {
  const date = utcDate(iso);
  const weekday = date.getUTCDay() || 7; // Monday 1 … Sunday 7
  const thursday = new Date(date.getTime() + (4 - weekday) * 86_400_000); // the week belongs to its Thursday's year
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * The period's code: `period.code` when given; else a Monday–Sunday week as `2026-W49`, a whole calendar month as
 * `2026-11`, a single day as `2026-12-01`, anything else as `2026-12-01_2026-12-10`.
 */
export function reportPeriodCode(doc: Pick<ReportDocument, 'period'>): string {
  const { from, to, code } = doc.period;
  if (code !== undefined) return code;
  const start = utcDate(from);
  const end = utcDate(to);
  const days = Math.round((end.getTime() - start.getTime()) / 86_400_000) + 1;
  if (days === 7 && start.getUTCDay() === 1) return isoWeekCode(from);
  const monthEnd = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
  if (start.getUTCDate() === 1 && end.getTime() === monthEnd.getTime()) return from.slice(0, 7);
  return days === 1 ? from : `${from}_${to}`;
}

/** Characters no file system or browser accepts in a name, and controls. */
function safeFileNamePart(value: string): string {
  return value
    .normalize('NFC')
    .replace(/[\p{Cc}"*/:<>?\\|]/gu, '')
    .replace(/\s+/g, '')
    .replace(/^\.+/, '');
}

/** The Chinese file name: `<scope>_<kind>_<period>.<ext>`, e.g. `任城区_周报_2026-W49.pdf`. */
export function reportFileName(doc: ReportDocument, ext: ReportFormat): string {
  const scope = safeFileNamePart(doc.scopeShortName ?? doc.scopeName) || 'report';
  return `${scope}_${REPORT_KIND_LABELS[doc.kind].zh}_${reportPeriodCode(doc)}.${ext}`;
}

/** The ASCII file name: `<scope code>_<kind>_<period>.<ext>`, e.g. `370811_weekly_2026-W49.pdf`. */
export function reportAsciiFileName(doc: ReportDocument, ext: ReportFormat): string {
  const scope = doc.scopeCode?.replace(/[^A-Za-z0-9_-]/g, '') || 'report';
  return `${scope}_${REPORT_KIND_LABELS[doc.kind].ascii}_${reportPeriodCode(doc)}.${ext}`;
}

// RFC 8187 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~".
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/** RFC 8187 (ex-5987) value: percent-encoded UTF-8 bytes of everything that is not an attr-char. */
export function encodeRfc8187(value: string): string {
  let out = '';
  for (const ch of value) {
    if (ATTR_CHAR.test(ch)) {
      out += ch;
    } else {
      for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** An ASCII stand-in for a name: other characters dropped, runs of separators collapsed. */
function asciiFallback(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const ext = dot > 0 ? fileName.slice(dot).replace(/[^A-Za-z0-9.]/g, '') : '';
  const stem = (dot > 0 ? fileName.slice(0, dot) : fileName)
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\%;]/g, '')
    .replace(/[\s_]+/g, '_')
    .replace(/^[_.-]+|[_-]+$/g, '');
  return `${stem || 'download'}${ext}`;
}

/**
 * `Content-Disposition: attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>` (RFC 6266 §4.3: a
 * client that understands `filename*` uses it). `fallback` is the ASCII name; derived from `fileName` when absent.
 */
export function contentDisposition(fileName: string, fallback?: string): string {
  const ascii = asciiFallback(fallback ?? fileName);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(fileName)}`;
}

export interface ReportDownload {
  fileName: string;
  contentType: string;
  contentDisposition: string;
}

/** Everything an HTTP response needs besides the bytes. */
export function reportDownload(doc: ReportDocument, format: ReportFormat): ReportDownload {
  const fileName = reportFileName(doc, format);
  return {
    fileName,
    contentType: REPORT_CONTENT_TYPES[format],
    contentDisposition: contentDisposition(fileName, reportAsciiFileName(doc, format)),
  };
}
