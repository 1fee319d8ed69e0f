/**
 * One native record as an adapter read it: the value of a message on `ajx.raw.v1.<INSURER>` (JSON).
 * It keeps the insurer's own field names; the normaliser owns the mapping to the canonical record.
 */
export interface RawRecord {
  /** 1-based position in its file as the standard counts it (CSV data row, NDJSON non-blank line, XML record element, DADI `sj` element). */
  recordIndex: number;
  /** The insurer's record id (policy/service/hazard no.) when readable. */
  sourceId: string | null;
  /** Container facts every record of the file needs (CPIC insurer/batchNo, DADI gsdm/pch, PICC kind …). */
  envelope: Record<string, string | null>;
  /** The record with the insurer's own field names; null when it could not be parsed. */
  fields: Record<string, unknown> | null;
  /** Why the record could not be parsed (it becomes MALFORMED_RECORD); null when it was. */
  malformed: { message: string } | null;
}

export class RawRecordFormatError extends Error {
  override readonly name = 'RawRecordFormatError';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates the JSON form of a raw record (e.g. a Kafka message value); throws RawRecordFormatError when it is not one. */
export function parseRawRecord(value: unknown): RawRecord {
  let v: unknown = value;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    try {
      v = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
    } catch (err) {
      throw new RawRecordFormatError(`raw record is not JSON: ${(err as Error).message}`);
    }
  }
  if (!isPlainObject(v)) throw new RawRecordFormatError('raw record must be a JSON object');
  const { recordIndex, sourceId, envelope, fields, malformed } = v;
  if (typeof recordIndex !== 'number' || !Number.isSafeInteger(recordIndex) || recordIndex < 1)
    throw new RawRecordFormatError('raw record: recordIndex must be an integer ≥ 1');
  if (sourceId !== null && typeof sourceId !== 'string')
    throw new RawRecordFormatError('raw record: sourceId must be a string or null');
  if (!isPlainObject(envelope) || Object.values(envelope).some((x) => x !== null && typeof x !== 'string'))
    throw new RawRecordFormatError('raw record: envelope must be an object of strings or nulls');
  if (fields !== null && !isPlainObject(fields))
    throw new RawRecordFormatError('raw record: fields must be an object or null');
  if (malformed !== null && !(isPlainObject(malformed) && typeof malformed.message === 'string'))
    throw new RawRecordFormatError('raw record: malformed must be {message} or null');
  if ((fields === null) === (malformed === null))
    throw new RawRecordFormatError('raw record: exactly one of fields and malformed must be set');
  return {
    recordIndex,
    sourceId,
    envelope: envelope as Record<string, string | null>,
    fields,
    malformed: malformed as { message: string } | null,
  };
}
