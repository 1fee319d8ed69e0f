import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import {
  decodeFeedCursor,
  departmentScopeOf,
  encodeFeedCursor,
  FEED_START,
  type FeedPosition,
  feedEntryView,
} from '@ajx/dept-store';
import type { Principal } from '@ajx/identity';
import { apiError } from '../http/api-error';
import { DeptReadDatabase } from './dept-read.provider';
import type { FeedPageDto, FeedQueryDto } from './dto/feed.dto';

export function feedPositionOf(cursor: string | undefined, what = 'after'): FeedPosition {
  if (cursor === undefined || cursor === '') return FEED_START;
  const p = decodeFeedCursor(cursor);
  if (!p) throw apiError(400, 'INVALID_CURSOR', `${what} is not a feed cursor returned by this API`);
  return p;
}

/**
 * A department's feed, page by page in commit order. The cursor is a position in the department's own sequence;
 * row-level security decides which entries exist, so a cursor taken from another department shows nothing of it.
 */
@Injectable()
export class FeedService {
  constructor(
    private readonly read: DeptReadDatabase,
    private readonly audit: AuditLog,
  ) {}

  async page(principal: Principal, q: FeedQueryDto, requestId?: string): Promise<FeedPageDto> {
    const scope = departmentScopeOf(principal);
    const from = feedPositionOf(q.after);
    const limit = q.limit ?? 100;
    const urgentOnly = q.urgent === 'true';
    const rows = await this.read.feed.page(scope, { after: from.seq, exclude: from.ahead, limit, urgentOnly });
    await this.audit.record({
      actor: principal.id,
      action: 'dept.feed',
      target: urgentOnly ? 'feed:urgent' : 'feed',
      outcome: 'ok',
      details: { after: from.seq, returned: rows.length, last: rows.at(-1)?.seq ?? null },
      requestId,
    });
    const last = rows.at(-1);
    const next: FeedPosition = last ? { seq: last.seq, ahead: from.ahead.filter((a) => a > last.seq) } : from;
    return { items: rows.map(feedEntryView), next: encodeFeedCursor(next), more: rows.length === limit };
  }
}
