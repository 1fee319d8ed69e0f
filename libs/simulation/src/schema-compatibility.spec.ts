import { canonicalSchemaIncompatibilities, RECORD_KINDS, type RecordKind } from '@ajx/contracts';
import { canonicalRecords } from './canonical-records';
import { Random } from './random';
import { NATIVE_FORMATS } from './simulate-file';

/*
 * Schema evolution (BACKWARD_TRANSITIVE) on the generator's records: every generated canonical record of every kind
 * and format profile that an earlier release of its schema accepts is accepted by the current schema too. The
 * shared samples are checked the same way in libs/contracts (schema-history.spec.ts).
 */
describe('canonical schema evolution on generated records', () => {
  it('accepts now every generated record an earlier schema release accepted', () => {
    const samples = Object.fromEntries(RECORD_KINDS.map((k) => [k, [] as unknown[]])) as Record<RecordKind, unknown[]>;
    for (const [insurer, format] of Object.entries(NATIVE_FORMATS)) {
      let n = 0;
      for (const r of canonicalRecords(new Random(`schema-${insurer}`), {
        insurer,
        profile: format.profile,
        kinds: RECORD_KINDS,
      })) {
        samples[r.kind].push(r.record);
        if (++n === 1500) break;
      }
    }
    for (const kind of RECORD_KINDS) expect([kind, samples[kind].length > 100]).toEqual([kind, true]);
    expect(canonicalSchemaIncompatibilities(samples)).toEqual([]);
  });
});
