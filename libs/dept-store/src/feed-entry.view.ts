import type { FeedKind } from './view-kind';
import { encodeFeedCursor } from './feed-cursor';
import type { FeedEntry } from './dept-feed.repository';
import type { FeedEntryKind } from './dept-projection.writer';

/** A feed entry as departments receive it (feed pages, stream events, webhook bodies). */
export interface FeedEntryView {
  /** The entry's own position: `after=<cursor>` continues with the entries after it. */
  cursor: string;
  seq: number;
  entry: FeedEntryKind;
  urgent: boolean;
  kind: FeedKind;
  insurer: string;
  subject: string;
  version: number;
  eventId: string;
  data: unknown;
  at: string;
}

/** `departmentId`: the department whose feed this is (its cursors are bound to it). */
export function feedEntryView(e: FeedEntry, departmentId: string): FeedEntryView {
  return {
    cursor: encodeFeedCursor({ seq: e.seq, ahead: [] }, departmentId),
    seq: e.seq,
    entry: e.entry,
    urgent: e.urgent,
    kind: e.kind,
    insurer: e.insurer,
    subject: e.subject,
    version: e.version,
    eventId: e.eventId,
    data: e.data,
    at: e.at.toISOString(),
  };
}
