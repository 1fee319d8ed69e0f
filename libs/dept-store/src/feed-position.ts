/**
 * Where a reader stands in a department's feed (a stream, a webhook endpoint): every entry with a sequence number at
 * or below `seq` has been delivered, and so have the urgent entries in `ahead` (all above `seq`, ascending), which
 * were delivered ahead of their turn. Commit order equals sequence order (the sequence is taken under the
 * department's counter lock at commit), so an entry above `seq` that is not yet visible can only get a larger number
 * than every visible one: reading `seq > position.seq` never skips anything.
 */
export interface FeedPosition {
  readonly seq: number;
  readonly ahead: readonly number[];
}

/** At most this many urgent entries are delivered ahead of a reader's in-order position (it bounds the cursor). */
export const MAX_AHEAD = 32;

export const FEED_START: FeedPosition = { seq: 0, ahead: [] };

export interface Sequenced {
  seq: number;
  urgent: boolean;
}

export function isDelivered(p: FeedPosition, seq: number): boolean {
  return seq <= p.seq || p.ahead.includes(seq);
}

/** The position after the next in-order entry `seq` (delivered now, or skipped because it went ahead). */
export function passInOrder(p: FeedPosition, seq: number): FeedPosition {
  if (seq <= p.seq) throw new Error(`feed entry ${seq} is not after position ${p.seq}`);
  return { seq, ahead: p.ahead.filter((a) => a > seq) };
}

/** The position after an urgent entry above the in-order position was delivered ahead of its turn. */
export function passAhead(p: FeedPosition, seq: number): FeedPosition {
  if (seq <= p.seq || p.ahead.includes(seq)) throw new Error(`feed entry ${seq} was already delivered`);
  if (p.ahead.length >= MAX_AHEAD) throw new Error(`no more than ${MAX_AHEAD} entries may go ahead`);
  return { seq: p.seq, ahead: [...p.ahead, seq].sort((a, b) => a - b) };
}

export interface Delivery<T extends Sequenced> {
  entry: T;
  /** The position once this entry has been delivered (a stream's event id, a webhook endpoint's state). */
  position: FeedPosition;
}

/**
 * The delivery order of what is visible after a position: urgent entries first (ascending, while fewer than
 * MAX_AHEAD are ahead), then every other entry in sequence order. `urgent` are the urgent entries above the
 * position; `inOrder` the entries right after it, ascending and contiguous in the feed (a page of `seq > p.seq`).
 * Urgent entries already delivered ahead are skipped when their turn comes.
 */
export function deliveryOrder<T extends Sequenced>(
  p: FeedPosition,
  urgent: readonly T[],
  inOrder: readonly T[],
): { deliveries: Delivery<T>[]; position: FeedPosition } {
  const deliveries: Delivery<T>[] = [];
  let pos = p;
  for (const u of urgent) {
    if (isDelivered(pos, u.seq)) continue;
    if (pos.ahead.length >= MAX_AHEAD) break;
    pos = passAhead(pos, u.seq);
    deliveries.push({ entry: u, position: pos });
  }
  for (const e of inOrder) {
    if (e.seq <= pos.seq) continue;
    const wasAhead = pos.ahead.includes(e.seq);
    pos = passInOrder(pos, e.seq);
    if (!wasAhead) deliveries.push({ entry: e, position: pos });
  }
  return { deliveries, position: pos };
}

/** The one entry to deliver next (a webhook endpoint, one in flight): the first urgent one not yet delivered, if
 *  it may go ahead, else the next in order. */
export function nextDelivery<T extends Sequenced>(
  p: FeedPosition,
  firstUrgent: T | null,
  nextInOrder: T | null,
): T | null {
  if (firstUrgent && !isDelivered(p, firstUrgent.seq) && p.ahead.length < MAX_AHEAD) return firstUrgent;
  return nextInOrder;
}
