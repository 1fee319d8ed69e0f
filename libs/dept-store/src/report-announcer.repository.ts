import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { insertPayloads, payloadOf } from './dept-payload';
import { insertFeedEntries, notifyFeed, takeFeedSequences } from './feed-sequence';

/** A report filed upward, as departments' feeds announce it (kind `report`, docs/feeds.md). */
export interface ReportAnnouncement {
  reportId: string;
  /** 1 for a new report (`new`); a regeneration raises it (`updated`). */
  revision: number;
  /** The scorecard's insurer, else empty. */
  insurer: string;
  /** The entry's `data`: the report's summary and download links. */
  data: unknown;
}

/**
 * Announces reports in department feeds (entries of kind `report`, no view row): written in the caller's transaction,
 * with the report, so a report is announced exactly when it is stored. Feed sequences are taken as the last step,
 * under the departments' counter locks (commit order = sequence order, like every feed writer); the notifier
 * delivers the entries to the departments' webhooks like any other.
 */
@Injectable()
export class ReportAnnouncer {
  async announce(tx: EntityManager, departmentIds: readonly string[], a: ReportAnnouncement): Promise<void> {
    const ids = [...new Set(departmentIds)].sort();
    if (!ids.length) return;
    const payload = payloadOf(a.data);
    await insertPayloads(tx, [payload]);
    const eventId = payloadOf({ report: a.reportId, revision: a.revision }).payloadId;
    const seqs = await takeFeedSequences(tx, ids);
    await insertFeedEntries(
      tx,
      ids.map((departmentId, i) => ({
        departmentId,
        seq: seqs[i],
        entry: a.revision === 1 ? 'new' : 'updated',
        urgent: false,
        kind: 'report',
        insurer: a.insurer,
        subject: a.reportId,
        version: a.revision,
        eventId,
        payloadId: payload.payloadId,
        acceptedAt: null,
      })),
    );
    await notifyFeed(tx, ids);
  }
}
