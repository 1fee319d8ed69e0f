import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import {
  decodeFeedCursor,
  DeptFeedRepository,
  departmentScopeOf,
  encodeFeedCursor,
  FEED_START,
  type FeedPosition,
  feedEntryView,
} from '@ajx/dept-store';
import type { Principal } from '@ajx/identity';
import { apiError } from '../http/api-error';
import type { FeedPageDto, FeedQueryDto } from './dto/feed.dto';

export function feedPositionOf(cursor: string | undefined, departmentId: string, what = 'after'): FeedPosition {
  if (cursor === undefined || cursor === '') return FEED_START;
  const p = decodeFeedCursor(cursor, departmentId);
  if (!p) {
    throw apiError(
      400,
      'INVALID_CURSOR',
      `${what} is not a feed cursor this API issued to ${departmentId} (cursors of other departments are refused)`,
    );
  }
  return p;
}

/**
 * A department's feed, page by page in commit order. The cursor is a position in the department's own sequence,
 * bound to the department: another department's cursor is refused (and row-level security decides which entries exist).
 */
@Injectable()
export class FeedService {
  constructor(
    private readonly feed: DeptFeedRepository,
    private readonly audit: AuditLog,
  ) {}

  async page(principal: Principal, q: FeedQueryDto, requestId?: string): Promise<FeedPageDto> {
    const scope = departmentScopeOf(principal);
    const from = feedPositionOf(q.after, scope.departmentId);
    const limit = q.limit ?? 100;
    const urgentOnly = q.urgent === 'true';
    const rows = await this.feed.page(scope, { after: from.seq, exclude: from.ahead, limit, urgentOnly });
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
    return {
      items: rows.map((r) => feedEntryView(r, scope.departmentId)),
      next: encodeFeedCursor(next, scope.departmentId),
      more: rows.length === limit,
    };
  }
}
