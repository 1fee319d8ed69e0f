import type { RawRecord } from '@ajx/contracts';
import { byteLines, withoutCr } from '../../parsers/byte-lines';
import {
  FORBIDDEN_FIELD_MESSAGE,
  holdsForbiddenFieldName,
  MAX_RECORD_BYTES,
  malformedRecord,
  MAX_RECORD_DEPTH,
  nestsDeeperThan,
  reviveOutOfRangeNumbers,
  readableId,
  type ContainerCheck,
  type InsurerFileParser,
  type OpenBytes,
} from '../../parsers/insurer-file-parser';
import { PINGAN_ID_FIELD } from './pingan.format';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const BLANK = /^\s*$/;

type Line = { blank: true } | { blank: false; record: Omit<RawRecord, 'recordIndex'> };

function parseLine(bytes: Buffer, oversized: boolean): Line {
  const envelope = {};
  if (oversized)
    return { blank: false, record: malformedRecord(0, `line longer than ${MAX_RECORD_BYTES} bytes`, null, envelope) };
  let text: string;
  try {
    text = utf8.decode(withoutCr(bytes));
  } catch {
    return { blank: false, record: malformedRecord(0, 'bytes that do not decode as UTF-8', null, envelope) };
  }
  if (BLANK.test(text)) return { blank: true };
  let value: unknown;
  try {
    value = JSON.parse(text, reviveOutOfRangeNumbers);
  } catch (err) {
    const why =
      err instanceof RangeError
        ? `the line nests deeper than ${MAX_RECORD_DEPTH} levels`
        : `not a JSON line: ${(err as Error).message}`;
    return { blank: false, record: malformedRecord(0, why, null, envelope) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { blank: false, record: malformedRecord(0, 'the line is not a JSON object', null, envelope) };
  if (nestsDeeperThan(value))
    return {
      blank: false,
      record: malformedRecord(0, `the line nests deeper than ${MAX_RECORD_DEPTH} levels`, null, envelope),
    };
  const fields = value as Record<string, unknown>;
  const idField = typeof fields.recordType === 'string' ? PINGAN_ID_FIELD[fields.recordType] : undefined;
  const sourceId = idField ? readableId(fields[idField]) : null;
  if (holdsForbiddenFieldName(value))
    return { blank: false, record: malformedRecord(0, FORBIDDEN_FIELD_MESSAGE, sourceId, envelope) };
  return { blank: false, record: { sourceId, envelope, fields, malformed: null } };
}

/** PINGAN NDJSON: every line stands alone, so the container itself is always whole. */
export class PinganFileParser implements InsurerFileParser {
  readonly insurer = 'PINGAN';
  readonly contentTypes = ['application/x-ndjson'] as const;

  async checkContainer(open: OpenBytes): Promise<ContainerCheck> {
    let records = 0;
    for await (const line of byteLines(open()))
      if (line.oversized || !BLANK.test(line.bytes.toString('utf8'))) records++;
    return { ok: true, records };
  }

  async *records(open: OpenBytes): AsyncGenerator<RawRecord> {
    let recordIndex = 0;
    for await (const { bytes, oversized } of byteLines(open())) {
      const line = parseLine(bytes, oversized);
      if (line.blank) continue;
      yield { ...line.record, recordIndex: ++recordIndex };
    }
  }
}
