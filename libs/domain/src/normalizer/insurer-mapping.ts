import type { RecordKind, RecordOfKind } from '@ajx/contracts';

/** What a mapping makes of one record: its kind, the canonical record and its business time. */
export type MappedRecord = {
  [K in RecordKind]: { kind: K; record: RecordOfKind[K]; time: string };
}[RecordKind];

/**
 * An insurer's field mapping: from a raw record's fields (the insurer's own names) to the canonical record, applying
 * the canonical rules (libs/domain/src/values) and throwing a RecordRejection for what cannot be normalised.
 * Mappings are pure and versioned so a service can pin one and replay raw records through a fixed one.
 */
export interface InsurerMapping {
  readonly insurer: string;
  /** Changes whenever the mapping's output for some input would change. */
  readonly version: string;
  /** Envelope key where the file declares its insurer (CPIC `insurer`, DADI `gsdm`), checked against the deliverer. */
  readonly declaredInsurerKey?: string;
  /** `insurer` is the delivering insurer (from the caller / topic); it fills `data.insurer`. */
  map(fields: Record<string, unknown>, envelope: Record<string, string | null>, insurer: string): MappedRecord;
}
