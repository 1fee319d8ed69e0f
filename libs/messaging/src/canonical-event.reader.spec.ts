import { buildCanonicalEvent, encodeCanonicalEventMessage, V1_RECORD_KINDS } from '@ajx/contracts';
import { canonicalEventFixture } from '@ajx/testing';
import { Registry } from 'prom-client';
import { CanonicalEventReader, SKIP_LOG_EVERY } from './canonical-event.reader';
import type { ConsumedMessage } from './message';

function consumed(kind: 'policy' | 'claim', offset: number, headers: Record<string, string> = {}): ConsumedMessage {
  const f = canonicalEventFixture({ kind, subject: `S${offset}` });
  const m = encodeCanonicalEventMessage({
    event: buildCanonicalEvent(f.insurer, kind, f.data as never, f.time),
    acceptedAt: null,
    correction: false,
  });
  return {
    topic: 'ajx.canonical.v1',
    partition: 0,
    offset: String(offset),
    timestamp: '0',
    key: Buffer.from(m.key ?? ''),
    value: m.value as Buffer,
    headers: { ...m.headers, ...headers },
  };
}

describe('CanonicalEventReader', () => {
  const setup = () => {
    const metrics = new Registry();
    const logs = { warn: [] as string[], error: [] as string[] };
    const logger = { warn: (m: string) => logs.warn.push(m), error: (m: string) => logs.error.push(m) };
    const reader = new CanonicalEventReader({ consumer: 'v1-reader', kinds: V1_RECORD_KINDS, metrics, logger });
    const count = async (reason: string) =>
      (await metrics.getSingleMetric('ajx_canonical_events_skipped_total')!.get()).values.find(
        (v) => v.labels.reason === reason,
      )?.value ?? 0;
    return { reader, logs, count, metrics };
  };

  it('hands over known events and skips others, counted per reason, never throwing', async () => {
    const { reader, logs, count } = setup();
    expect(reader.read(consumed('policy', 1))?.event.subject).toBe('S1');
    expect(reader.read(consumed('claim', 2))).toBeNull();
    expect(reader.read(consumed('policy', 3, { ce_dataschema: 'urn:ajx:policy:v2' }))).toBeNull();
    expect(reader.read(consumed('policy', 4, { ce_region: '110101' }))).toBeNull();
    expect(await count('unknown-kind')).toBe(1);
    expect(await count('unknown-schema-version')).toBe(1);
    expect(await count('invalid')).toBe(1);
    expect(logs.warn).toEqual([
      expect.stringContaining('skipping urn:ajx:claim:v1 (unknown-kind'),
      expect.stringContaining('skipping urn:ajx:policy:v2 (unknown-schema-version'),
    ]);
    expect(logs.error).toEqual([
      expect.stringContaining('skipping unreadable canonical message ajx.canonical.v1[0]@4'),
    ]);
  });

  it('logs the first skip of each dataschema and then every thousandth, and shares the metric in a registry', async () => {
    const { reader, logs, count, metrics } = setup();
    for (let i = 0; i < 2 * SKIP_LOG_EVERY; i++) reader.read(consumed('claim', i));
    expect(logs.warn).toHaveLength(3);
    expect(logs.warn[2]).toContain(`${2 * SKIP_LOG_EVERY} such events skipped so far`);
    const second = new CanonicalEventReader({ consumer: 'other', kinds: V1_RECORD_KINDS, metrics, logger: console });
    expect(second.read(consumed('policy', 1))).not.toBeNull();
    expect(await count('unknown-kind')).toBe(2 * SKIP_LOG_EVERY);
  });
});
