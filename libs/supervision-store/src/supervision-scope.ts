declare const brand: unique symbol;

/**
 * Whose supervision data a read covers: a department's jurisdiction (region prefix) in its sectors (`*`: all) — the
 * rule that also routes findings to its feed —, or an insurer's own findings. Every read repository method takes one
 * (no query without a scope); the database enforces it on the API role (row-level security on the supervision tables).
 */
export type SupervisionScope =
  | { readonly kind: 'jurisdiction'; readonly regionPrefix: string; readonly sectors: readonly string[] | '*' }
  | { readonly kind: 'insurer'; readonly insurer: string };

export type ScopedRead = SupervisionScope & { readonly [brand]: 'SupervisionScope' };

export function jurisdictionRead(regionPrefix: string, sectors: readonly string[] | '*'): ScopedRead {
  if (!/^\d{0,6}$/.test(regionPrefix)) throw new Error(`not a region prefix: ${JSON.stringify(regionPrefix)}`);
  return { kind: 'jurisdiction', regionPrefix, sectors } as ScopedRead;
}

export function insurerRead(insurer: string): ScopedRead {
  if (!/^[A-Z][A-Z0-9_]{1,31}$/.test(insurer)) throw new Error(`not an insurer code: ${JSON.stringify(insurer)}`);
  return { kind: 'insurer', insurer } as ScopedRead;
}
