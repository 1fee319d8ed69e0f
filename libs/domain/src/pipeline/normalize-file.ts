import type { CanonicalEvent, RecordReject } from '@ajx/contracts';
import type { InsurerFileParser, OpenBytes } from '../parsers/insurer-file-parser';
import { fileParserFor } from '../insurers/registry';
import { createNormalizer, type Normalizer } from '../normalizer/normalizer';

export interface NormalizeFileSinks {
  /** Each accepted record's canonical event, in input order. A returned promise is awaited (backpressure). */
  onEvent(event: CanonicalEvent): void | Promise<void>;
  /** Each rejected record (and, for a file rejected as a whole, one reject at recordIndex 0). */
  onReject(reject: RecordReject): void | Promise<void>;
}

export type NormalizeFileOutcome =
  | { fileRejected: true; message: string }
  | { fileRejected: false; records: number; accepted: number; rejected: number };

/**
 * A whole native file through the standard, in two streaming passes: pass 1 checks the container (a file rejected
 * as a whole yields no event), pass 2 reads raw records and normalises each. Memory stays bounded whatever the
 * file size. Used by `ajx normalize` and the benchmarks.
 */
export async function normalizeFile(
  insurer: string,
  open: OpenBytes,
  sinks: NormalizeFileSinks,
  options: { parser?: InsurerFileParser; normalizer?: Normalizer } = {},
): Promise<NormalizeFileOutcome> {
  const parser = options.parser ?? fileParserFor(insurer);
  if (!parser) throw new Error(`no parser for insurer ${JSON.stringify(insurer)}`);
  const normalizer = options.normalizer ?? createNormalizer();
  const check = await parser.checkContainer(open);
  if (!check.ok) {
    await sinks.onReject({ recordIndex: 0, code: 'MALFORMED_FILE', message: check.message, sourceId: null });
    return { fileRejected: true, message: check.message };
  }
  let records = 0;
  let accepted = 0;
  for await (const raw of parser.records(open)) {
    records++;
    const result = normalizer.normalize(insurer, raw);
    if (result.ok) {
      accepted++;
      const pending = sinks.onEvent(result.event);
      if (pending) await pending;
    } else {
      const pending = sinks.onReject(result.reject);
      if (pending) await pending;
    }
  }
  return { fileRejected: false, records, accepted, rejected: records - accepted };
}
