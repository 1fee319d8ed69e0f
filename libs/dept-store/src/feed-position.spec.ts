import fc from 'fast-check';
import { decodeFeedCursor, encodeFeedCursor } from './feed-cursor';
import { deliveryOrder, FEED_START, type FeedPosition, MAX_AHEAD, nextDelivery } from './feed-position';

const e = (seq: number, urgent = false) => ({ seq, urgent });

describe('feed delivery order', () => {
  it('delivers urgent entries ahead, then the rest in order, skipping what went ahead', () => {
    const entries = [e(1), e(2), e(3, true), e(4), e(5, true)];
    const { deliveries, position } = deliveryOrder(
      FEED_START,
      entries.filter((x) => x.urgent),
      entries,
    );
    expect(deliveries.map((d) => d.entry.seq)).toEqual([3, 5, 1, 2, 4]);
    expect(deliveries.map((d) => d.position)).toEqual([
      { seq: 0, ahead: [3] },
      { seq: 0, ahead: [3, 5] },
      { seq: 1, ahead: [3, 5] },
      { seq: 2, ahead: [3, 5] },
      { seq: 4, ahead: [5] },
    ]);
    expect(position).toEqual({ seq: 5, ahead: [] });
  });

  it('resuming from any delivered position repeats nothing and skips nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 80 }), fc.nat(), (flags, cut) => {
        const feed = flags.map((u, i) => e(i + 1, u));
        const all = deliveryOrder(
          FEED_START,
          feed.filter((x) => x.urgent),
          feed,
        );
        const k = all.deliveries.length ? cut % all.deliveries.length : 0;
        const resumeFrom: FeedPosition = k ? all.deliveries[k - 1].position : FEED_START;
        const rest = deliveryOrder(
          resumeFrom,
          feed.filter((x) => x.urgent && x.seq > resumeFrom.seq),
          feed.filter((x) => x.seq > resumeFrom.seq),
        );
        const seen = [...all.deliveries.slice(0, k), ...rest.deliveries].map((d) => d.entry.seq);
        expect([...seen].sort((a, b) => a - b)).toEqual(feed.map((x) => x.seq));
        // every urgent entry precedes every normal entry that was pending with it
        const firstNormal = seen.findIndex((s) => !feed[s - 1].urgent);
        const urgentAfter = firstNormal < 0 ? [] : seen.slice(firstNormal).filter((s) => feed[s - 1].urgent);
        if (k === 0 && feed.filter((x) => x.urgent).length <= MAX_AHEAD) expect(urgentAfter).toEqual([]);
      }),
    );
  });

  it('lets at most MAX_AHEAD entries go ahead', () => {
    const feed = Array.from({ length: MAX_AHEAD + 5 }, (_, i) => e(i + 2, true));
    const { deliveries } = deliveryOrder(FEED_START, feed, []);
    expect(deliveries).toHaveLength(MAX_AHEAD);
  });

  it('picks the next webhook delivery: urgent first unless already delivered', () => {
    expect(nextDelivery(FEED_START, e(7, true), e(1))).toEqual(e(7, true));
    expect(nextDelivery({ seq: 0, ahead: [7] }, e(7, true), e(1))).toEqual(e(1));
    expect(nextDelivery(FEED_START, null, null)).toBeNull();
  });
});

describe('feed cursors', () => {
  it('round-trip positions', () => {
    for (const p of [FEED_START, { seq: 42, ahead: [] }, { seq: 9, ahead: [11, 15] }]) {
      expect(decodeFeedCursor(encodeFeedCursor(p, 'dept-a'), 'dept-a')).toEqual(p);
    }
  });

  it('refuse anything they did not issue', () => {
    const good = encodeFeedCursor({ seq: 5, ahead: [] }, 'dept-a');
    const tampered = Buffer.from(Buffer.from(good, 'base64url').toString().replace('2.5', '2.6')).toString('base64url');
    for (const bad of [
      '',
      'abc',
      '!!',
      tampered,
      Buffer.from('1.-1~xxxxxxxx').toString('base64url'),
      'x'.repeat(2000),
    ]) {
      expect(decodeFeedCursor(bad, 'dept-a')).toBeNull();
    }
    // A cursor issued to another department is refused, as is one of the previous, unbound version.
    expect(decodeFeedCursor(good, 'dept-b')).toBeNull();
    expect(decodeFeedCursor(Buffer.from('1.5~AAAAAAAA').toString('base64url'), 'dept-a')).toBeNull();
    // ahead entries must lie above the position, ascending
    const unordered = '1.5.9.7';
    const forged = Buffer.from(`${unordered}~${'A'.repeat(8)}`).toString('base64url');
    expect(decodeFeedCursor(forged, 'dept-a')).toBeNull();
  });
});
