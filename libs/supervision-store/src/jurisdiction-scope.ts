declare const brand: unique symbol;

/**
 * What of the supervision figures a department may read: the enterprises of its jurisdiction (region prefix) in its
 * sectors (`*`: all). Made from a department and the rule pack's entitlements only; the database enforces it on the
 * API role (row-level security on `supervision_figures`).
 */
export interface JurisdictionScope {
  readonly regionPrefix: string;
  readonly sectors: readonly string[] | '*';
  readonly [brand]: 'JurisdictionScope';
}

export function jurisdictionScope(regionPrefix: string, sectors: readonly string[] | '*'): JurisdictionScope {
  if (!/^\d{0,6}$/.test(regionPrefix)) throw new Error(`not a region prefix: ${JSON.stringify(regionPrefix)}`);
  return { regionPrefix, sectors } as JurisdictionScope;
}
