import { buildCanonicalEvent, type CanonicalEvent, type RawRecord, type RecordReject } from '@ajx/contracts';
import { INSURER_MAPPINGS } from '../insurers/registry';
import type { InsurerMapping } from './insurer-mapping';
import { RecordRejection } from './record-rejection';

export type NormalizeResult = { ok: true; event: CanonicalEvent } | { ok: false; reject: RecordReject };

export interface Normalizer {
  /** Normalises one raw record delivered by `insurer` (the topic's / caller's insurer, never the file's claim). */
  normalize(insurer: string, raw: RawRecord): NormalizeResult;
  /** The version of the mapping used for `insurer`. */
  mappingVersion(insurer: string): string;
}

export class UnknownInsurerError extends Error {
  override readonly name = 'UnknownInsurerError';
}

/**
 * The normaliser: per-insurer mapping plus the canonical rules and reject codes of data standard v1. Pure (no I/O)
 * and synchronous, the same in the services and the CLI. It works from the JSON form of a raw record (as it
 * travels through Kafka). Mappings are injectable so a service can pin a mapping and replay with it.
 */
export function createNormalizer(options: { mappings?: Partial<Record<string, InsurerMapping>> } = {}): Normalizer {
  const mappings = new Map<string, InsurerMapping>(Object.entries(INSURER_MAPPINGS));
  for (const [insurer, mapping] of Object.entries(options.mappings ?? {})) if (mapping) mappings.set(insurer, mapping);

  const mappingOf = (insurer: string): InsurerMapping => {
    const m = mappings.get(insurer);
    if (!m) throw new UnknownInsurerError(`no mapping for insurer ${JSON.stringify(insurer)}`);
    return m;
  };

  return {
    mappingVersion: (insurer) => mappingOf(insurer).version,
    normalize(insurer, raw) {
      const mapping = mappingOf(insurer);
      const rejected = (code: RecordReject['code'], message: string): NormalizeResult => ({
        ok: false,
        reject: { recordIndex: raw.recordIndex, code, message, sourceId: raw.sourceId ?? null },
      });
      if (mapping.declaredInsurerKey !== undefined) {
        const declared = raw.envelope?.[mapping.declaredInsurerKey] ?? null;
        if (declared !== insurer)
          return rejected(
            'INSURER_MISMATCH',
            `the file declares insurer ${JSON.stringify(declared)} but was delivered by ${insurer}`,
          );
      }
      if (raw.malformed || !raw.fields) return rejected('MALFORMED_RECORD', raw.malformed?.message ?? 'no fields');
      try {
        const { kind, record, time } = mapping.map(raw.fields, raw.envelope ?? {}, insurer);
        // No text of the standard may hold U+0000 (stores cannot keep it, and no insurer field means it).
        if (holdsNul(record)) return rejected('MALFORMED_RECORD', 'a value holds a NUL character (U+0000)');
        return { ok: true, event: buildCanonicalEvent(insurer, kind, record, time) };
      } catch (err) {
        if (err instanceof RecordRejection) return rejected(err.code, err.message);
        throw err;
      }
    },
  };
}

function holdsNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some(holdsNul);
  if (v && typeof v === 'object') return Object.values(v).some(holdsNul);
  return false;
}
