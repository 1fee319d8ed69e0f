import { batchEntriesFixture, canonicalEventFixture } from '@ajx/testing';
import {
  batchContentDigest,
  buildBatch,
  computeBatchId,
  eventDigest,
  parseBatch,
  type BatchEntry,
  type InterchangeBatch,
} from './batch';
import { InterchangeError } from './errors';

const NOW = Date.UTC(2025, 2, 1, 4, 0, 0);

function build(entries: BatchEntry[], extra: Partial<Parameters<typeof buildBatch>[0]> = {}) {
  return buildBatch({ sender: 'hub-zj', province: '33', mode: 'realtime', entries, createdAt: NOW, ...extra });
}

function refusal(raw: string | Buffer, o: { province?: string; maxEntries?: number } = {}): InterchangeError {
  try {
    parseBatch(raw, { province: o.province ?? '33', maxEntries: o.maxEntries });
  } catch (err) {
    if (err instanceof InterchangeError) return err;
    throw err;
  }
  throw new Error('the batch was accepted');
}

/** A batch body with one thing changed (the batch id is recomputed so that only the change is wrong). */
function mutated(mutate: (b: InterchangeBatch) => void, entries = batchEntriesFixture(1, 3)): string {
  const { batch } = build(entries);
  mutate(batch);
  batch.batchId = computeBatchId({
    sender: batch.sender,
    province: batch.province,
    scope: 'push',
    seqs: batch.entries.map((e) => e.seq),
  });
  return JSON.stringify(batch);
}

describe('batch format', () => {
  it('round-trips a built batch through parseBatch', () => {
    const entries = batchEntriesFixture(10, 12);
    const { batch, body } = build(entries);
    expect(batch).toMatchObject({
      protocol: 'ajx-interchange/1',
      sender: 'hub-zj',
      province: '33',
      createdAt: '2025-03-01T12:00:00+08:00',
      mode: 'realtime',
    });
    expect(batch.batchId).toMatch(/^ib1-[0-9a-f]{32}$/);
    expect(parseBatch(Buffer.from(body), { province: '33' })).toEqual(batch);
  });

  it('derives the same id from the same sequence numbers whatever the mode, content or time', () => {
    const a = build(batchEntriesFixture(1, 5)).batch;
    const b = build(batchEntriesFixture(1, 5, { subjectPrefix: 'X' }), {
      mode: 'scheduled',
      createdAt: NOW + 9e6,
    }).batch;
    expect(b.batchId).toBe(a.batchId);
    expect(build(batchEntriesFixture(1, 4)).batch.batchId).not.toBe(a.batchId);
    expect(build(batchEntriesFixture(2, 5)).batch.batchId).not.toBe(a.batchId);
    expect(
      buildBatch({ sender: 'hub-sd', province: '33', mode: 'realtime', entries: batchEntriesFixture(1, 5) }).batch
        .batchId,
    ).not.toBe(a.batchId);
  });

  it('gives every re-send of a day an id of its own', () => {
    const entries = batchEntriesFixture(1, 5);
    const push = build(entries).batch.batchId;
    const r1 = build(entries, { mode: 'resend', resendOf: { date: '2025-03-01', attempt: 1 } }).batch;
    const r2 = build(entries, { mode: 'resend', resendOf: { date: '2025-03-01', attempt: 2 } }).batch;
    expect(new Set([push, r1.batchId, r2.batchId]).size).toBe(3);
    expect(parseBatch(JSON.stringify(r1), { province: '33' }).resendOf).toEqual({ date: '2025-03-01', attempt: 1 });
    expect(() => build(entries, { mode: 'resend' })).toThrow(/resendOf/);
  });

  it('digests content independently of member order and spacing', () => {
    const entries = batchEntriesFixture(1, 3);
    const reordered = JSON.parse(JSON.stringify(entries, null, 2)) as BatchEntry[];
    const flipped = reordered.map((e) => Object.fromEntries(Object.entries(e).reverse()) as unknown as BatchEntry);
    expect(batchContentDigest(flipped)).toBe(batchContentDigest(entries));
    const corrected = [...entries];
    corrected[1] = { ...entries[1], correction: true };
    expect(batchContentDigest(corrected)).not.toBe(batchContentDigest(entries));
    const other = canonicalEventFixture({ subject: 'S2', kind: 'hazard', note: '更正后的描述' });
    expect(eventDigest(other)).not.toBe(eventDigest(canonicalEventFixture({ subject: 'S2', kind: 'hazard' })));
  });

  it('refuses a body that is not JSON, not UTF-8 or empty', () => {
    expect(refusal('{"protocol":')).toMatchObject({ code: 'MALFORMED_JSON', status: 400 });
    expect(refusal(Buffer.from([0x7b, 0xff, 0x7d]))).toMatchObject({
      code: 'MALFORMED_JSON',
      message: 'the body is not valid UTF-8',
    });
    expect(refusal('')).toMatchObject({ code: 'MALFORMED_JSON', message: 'the body is empty' });
  });

  it('names each schema problem with its path', () => {
    const err = refusal(
      mutated((b) => {
        (b as unknown as Record<string, unknown>).extra = 1;
        delete (b.entries[0].event as unknown as Record<string, unknown>).subject;
        b.entries[1].acceptedDate = '2025-02-30';
        (b.entries[2] as unknown as Record<string, unknown>).correction = 'no';
        b.createdAt = '2025-03-01T12:00:00Z';
      }),
    );
    expect(err.code).toBe('INVALID_BATCH');
    expect(err.problems).toEqual(
      expect.arrayContaining([
        { path: '/extra', message: 'is not a known property' },
        { path: '/entries/0/event/subject', message: 'is required' },
        { path: '/entries/1/acceptedDate', message: 'must be a calendar date YYYY-MM-DD' },
        { path: '/entries/2/correction', message: 'must be boolean' },
        { path: '/createdAt', message: 'must be a Beijing time YYYY-MM-DDTHH:mm:ss+08:00' },
      ]),
    );
    expect(err.toBody()).toMatchObject({ code: 'INVALID_BATCH', retryable: false });
  });

  it('refuses events whose attributes disagree with their data or whose id is not the derived one', () => {
    const err = refusal(
      mutated((b) => {
        b.entries[0].event.id = '00000000-0000-5000-8000-000000000000';
        b.entries[1].event.uscc = '91330902971540106E';
        (b.entries[2].event.data as unknown as Record<string, unknown>).version = 7;
        b.entries[2].event.dataschema = 'urn:ajx:hazard:v1';
      }),
    );
    expect(err.code).toBe('INVALID_BATCH');
    const paths = err.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/entries/0/event/id',
        '/entries/1/event/data/enterprise/uscc',
        '/entries/2/event/data/version',
        '/entries/2/event/dataschema',
      ]),
    );
  });

  it('refuses sequence numbers that do not increase', () => {
    const entries = batchEntriesFixture(1, 3);
    entries[2] = { ...entries[2], seq: 2 };
    const err = refusal(mutated(() => undefined, entries));
    expect(err.problems).toEqual([
      { path: '/entries/2/seq', message: "must be greater than the previous entry's seq 2" },
    ]);
  });

  it('refuses batches and events of another province', () => {
    expect(refusal(build(batchEntriesFixture(1, 2)).body, { province: '37' })).toMatchObject({
      code: 'WRONG_PROVINCE',
      problems: [{ path: '/province', message: 'must be 37' }],
    });
    const entries = batchEntriesFixture(1, 2);
    entries[1] = {
      ...entries[1],
      event: canonicalEventFixture({ subject: 'S2', region: '370883', uscc: '9137088314633074XJ' }),
    };
    expect(refusal(build(entries).body)).toMatchObject({
      code: 'WRONG_PROVINCE',
      problems: [{ path: '/entries/1/event/region', message: '370883 is not in province 33' }],
    });
  });

  it('refuses a batch id that is not the derived one', () => {
    const { batch } = build(batchEntriesFixture(1, 3));
    batch.batchId = `ib1-${'0'.repeat(32)}`;
    expect(refusal(JSON.stringify(batch))).toMatchObject({ code: 'BATCH_ID_MISMATCH', status: 400 });
  });

  it('refuses more entries than allowed with 413 before reading them', () => {
    expect(refusal(build(batchEntriesFixture(1, 11)).body, { maxEntries: 10 })).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
    });
  });

  it('requires resendOf exactly for re-sends', () => {
    const err = refusal(
      mutated((b) => {
        b.resendOf = { date: '2025-03-01', attempt: 1 };
      }),
    );
    expect(err.problems).toEqual([{ path: '/resendOf', message: 'is only allowed when mode is resend' }]);
  });
});
