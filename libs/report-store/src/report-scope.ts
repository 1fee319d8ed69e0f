declare const brand: unique symbol;

/**
 * Whose reports a read covers: a department's jurisdiction (region prefix: a county its own, a city its counties' and
 * its own), or an insurer's own scorecards. Every read method takes one; the database enforces it on the API role
 * (row-level security on `reports`).
 */
export type ReportScope =
  | { readonly kind: 'jurisdiction'; readonly regionPrefix: string }
  | { readonly kind: 'insurer'; readonly insurer: string };

export type ScopedReportRead = ReportScope & { readonly [brand]: 'ReportScope' };

export function reportJurisdiction(regionPrefix: string): ScopedReportRead {
  if (!/^\d{2,6}$/.test(regionPrefix)) throw new Error(`not a region prefix: ${JSON.stringify(regionPrefix)}`);
  return { kind: 'jurisdiction', regionPrefix } as ScopedReportRead;
}

export function reportInsurer(insurer: string): ScopedReportRead {
  if (!/^[A-Z][A-Z0-9_]{1,31}$/.test(insurer)) throw new Error(`not an insurer code: ${JSON.stringify(insurer)}`);
  return { kind: 'insurer', insurer } as ScopedReportRead;
}
