import type { RecordKind } from '@ajx/contracts';

/**
 * What a department view holds: the canonical records of the data standard, and the supervision findings of the
 * enterprises it is entitled to (kind `finding`, routed from `ajx.findings.v1` like records).
 */
export type ViewKind = RecordKind | 'finding';

/** What a feed entry is about: a view's record or finding, or (no view row) a report filed upward. */
export type FeedKind = ViewKind | 'report';
