import type { ReportDocument } from './report-document';
import { renderReportCsv } from './csv.renderer';
import { type PdfRenderOptions, renderReportPdf } from './pdf.renderer';
import type { ReportFormat } from './report-file-name';
import { renderReportXlsx } from './xlsx.renderer';

/** The report in one of the three download formats. */
export async function renderReport(
  doc: ReportDocument,
  format: ReportFormat,
  options: PdfRenderOptions = {},
): Promise<Buffer> {
  switch (format) {
    case 'csv':
      return renderReportCsv(doc);
    case 'xlsx':
      return renderReportXlsx(doc);
    case 'pdf':
      return renderReportPdf(doc, options);
  }
}
