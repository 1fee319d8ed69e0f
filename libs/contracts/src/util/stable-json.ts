/**
 * JSON with object keys sorted at every level, so equal values always serialise (and hash) the same. Written as one
 * pass that appends to a string (the normaliser hashes every record with it): no intermediate arrays per object.
 * Same output as sorting `Object.keys` and `JSON.stringify`-ing each part; `undefined` members are left out.
 */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + stableJson(value[i]);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + stableJson(v);
    first = false;
  }
  return out + '}';
}
