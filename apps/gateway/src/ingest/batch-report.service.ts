import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import type { Principal } from '@ajx/identity';
import { BatchOutcomeRepository, IngestBatchRepository } from '@ajx/ingest-store';
import { apiError } from '../http/api-error';
import type { BatchReportDto } from './dto/ingest.dto';

/**
 * The batch report of an upload: counts of what became of its records, every reject (paged), and whether
 * processing is complete. An insurer sees only its own batches; another insurer's is answered like a missing one.
 */
@Injectable()
export class BatchReportService {
  constructor(
    private readonly batches: IngestBatchRepository,
    private readonly outcomes: BatchOutcomeRepository,
    private readonly audit: AuditLog,
  ) {}

  async report(
    batchId: string,
    principal: Principal,
    rejectsAfter: number,
    limit: number,
    requestId?: string,
  ): Promise<BatchReportDto> {
    const batch = await this.batches.find(batchId);
    // Another insurer's batch is answered exactly like a missing one.
    if (!batch || (principal.type === 'insurer' && batch.insurer !== principal.id)) {
      await this.audit.record({
        actor: principal.id,
        action: 'ingest.batch.read',
        target: batchId,
        outcome: 'denied',
        requestId,
      });
      throw apiError(404, 'NOT_FOUND', `no batch ${batchId}`);
    }
    const [counts, rejects] = await Promise.all([
      this.outcomes.counts(batchId),
      this.outcomes.rejects(batchId, rejectsAfter, limit + 1),
    ]);
    await this.audit.record({
      actor: principal.id,
      action: 'ingest.batch.read',
      target: batchId,
      outcome: 'ok',
      requestId,
    });
    const fileRejected = batch.status === 'rejected';
    const done = counts.normalized + counts.duplicate + counts.rejected;
    const complete = fileRejected || (batch.status === 'published' && done >= batch.records);
    const page = rejects.slice(0, limit);
    return {
      batchId,
      insurer: batch.insurer,
      status: batch.status,
      records: batch.records,
      published: batch.published,
      normalized: counts.normalized,
      duplicates: counts.duplicate,
      rejected: fileRejected ? 0 : counts.rejected,
      complete,
      acceptedAt: batch.accepted_at.toISOString(),
      publishedAt: batch.published_at?.toISOString() ?? null,
      completedAt: complete ? (counts.lastAt ?? batch.accepted_at).toISOString() : null,
      rejects: page.map((r) => ({
        recordIndex: r.record_index,
        code: r.code,
        message: r.message,
        sourceId: r.source_id,
      })),
      nextRejectsAfter: rejects.length > limit ? page[page.length - 1].record_index : null,
    };
  }
}
