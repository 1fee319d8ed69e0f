import { type ReportDocument, ReportDocumentError, validateReportDocument } from './report-document';
import { sampleWeeklyReport } from './sample-weekly-report';

function withChange(change: (doc: ReportDocument) => void): ReportDocument {
  const doc = structuredClone(sampleWeeklyReport());
  change(doc);
  return doc;
}

function problemOf(doc: ReportDocument): { path: string; message: string } {
  try {
    validateReportDocument(doc);
  } catch (error) {
    expect(error).toBeInstanceOf(ReportDocumentError);
    return { path: (error as ReportDocumentError).path, message: (error as Error).message };
  }
  throw new Error('expected the document to be refused');
}

describe('validateReportDocument', () => {
  it('accepts the sample weekly report', () => {
    expect(() => validateReportDocument(sampleWeeklyReport())).not.toThrow();
  });

  it('names the field of a bad value', () => {
    const premium = withChange((doc) => {
      (doc.sections[2].tables[0].rows[1] as Record<string, unknown>).premium = 1234.5;
    });
    expect(problemOf(premium)).toEqual({
      path: 'sections[2].tables[0].rows[1].premium',
      message:
        'invalid report document at sections[2].tables[0].rows[1].premium: an amount in fen must be an integer, got 1234.5',
    });
    const rate = withChange((doc) => {
      (doc.sections[0].tables[0].totals as Record<string, unknown>).rate = '89%';
    });
    expect(problemOf(rate).path).toBe('sections[0].tables[0].totals.rate');
    const date = withChange((doc) => {
      (doc.sections[5].tables[1].rows[0] as Record<string, unknown>).since = '2026-02-30';
    });
    expect(problemOf(date).message).toContain(
      'sections[5].tables[1].rows[0].since: must be a date YYYY-MM-DD, got "2026-02-30"',
    );
  });

  it('refuses a value without a column, a chart whose series do not match its categories, and bad periods', () => {
    const stray = withChange((doc) => {
      (doc.sections[1].tables[0].rows[0] as Record<string, unknown>).bonus = 1;
    });
    expect(problemOf(stray)).toMatchObject({ path: 'sections[1].tables[0].rows[0].bonus' });
    const chart = withChange((doc) => {
      doc.sections[0].chart!.series[0].values.pop();
    });
    expect(problemOf(chart).message).toContain(
      'sections[0].chart.series[0].values: must hold one value per category (9), got 8',
    );
    const pie = withChange((doc) => {
      doc.sections[2].chart!.series.push({ name: '另一', values: [1, 2, 3, 4] });
    });
    expect(problemOf(pie).path).toBe('sections[2].chart.series');
    const period = withChange((doc) => {
      doc.period.from = '2026-12-07';
    });
    expect(problemOf(period).message).toContain('from 2026-12-07 is after to 2026-12-06');
    const generatedAt = withChange((doc) => {
      doc.generatedAt = '2026-12-07 08:00';
    });
    expect(problemOf(generatedAt).path).toBe('generatedAt');
    const duplicate = withChange((doc) => {
      doc.sections[1].id = 'coverage';
    });
    expect(problemOf(duplicate).message).toContain('duplicate section id coverage');
  });
});
