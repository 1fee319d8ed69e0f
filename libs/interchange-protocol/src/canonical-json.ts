/**
 * Canonical JSON (the JSON Canonicalization Scheme of RFC 8785 for the values JSON.parse produces): object
 * members sorted by key (UTF-16 code units), no white space, numbers and strings as ECMAScript serialises them.
 * Two parties hashing the same JSON value get the same bytes whatever member order or spacing they received.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no representation for non-finite numbers');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no representation for ${typeof value}`);
}
