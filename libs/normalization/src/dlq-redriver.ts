import { type DlqEntry, type DlqFilter, DlqRepository } from '@ajx/canonical-store';
import { rawRecordHeaders } from '@ajx/contracts';
import type { NormalizationPipeline, PipelineSummary } from './normalization.pipeline';
import { decodeRawMessage, type RawInput } from './raw-input';

export interface RedriveResult extends PipelineSummary {
  attempted: number;
  /** Entries whose raw bytes were removed (retention, erasure): nothing to run again. */
  purged: number;
}

/** The pipeline input of a DLQ entry, as if its raw message were consumed again. */
export function inputOfDlqEntry(e: DlqEntry & { rawValue: Buffer }): RawInput {
  const headers = rawRecordHeaders(e);
  return decodeRawMessage(
    {
      topic: e.source.topic,
      partition: e.source.partition,
      offset: e.source.offset,
      timestamp: String(e.rejectedAt.getTime()),
      key: e.sourceId ? Buffer.from(e.sourceId) : null,
      value: e.rawValue,
      headers,
    },
    e.insurer,
  );
}

/**
 * `ajx dlq redrive`: runs open DLQ entries through the current mapping and reference data again. Entries that now
 * pass become canonical events (their batch outcome turns to normalized and the entry is resolved); the others stay
 * open with the new reason and one more attempt. Never creates duplicates: event ids are deterministic.
 */
export class DlqRedriver {
  constructor(
    private readonly dlq: DlqRepository,
    private readonly pipeline: NormalizationPipeline,
  ) {}

  async redrive(filter: Omit<DlqFilter, 'status' | 'afterId' | 'limit'>, pageSize = 500): Promise<RedriveResult> {
    const result: RedriveResult = {
      attempted: 0,
      purged: 0,
      normalized: 0,
      duplicates: 0,
      corrections: 0,
      rejected: 0,
      byInsurer: {},
    };
    let afterId: string | undefined;
    for (;;) {
      const page = await this.dlq.list({ ...filter, status: 'open', afterId, limit: pageSize });
      if (page.length === 0) return result;
      afterId = page[page.length - 1].id;
      const runnable = page.filter((e): e is DlqEntry & { rawValue: Buffer } => e.rawValue !== null);
      result.purged += page.length - runnable.length;
      const s = await this.pipeline.process(runnable.map(inputOfDlqEntry));
      result.attempted += runnable.length;
      result.normalized += s.normalized;
      result.duplicates += s.duplicates;
      result.corrections += s.corrections;
      result.rejected += s.rejected;
    }
  }
}
