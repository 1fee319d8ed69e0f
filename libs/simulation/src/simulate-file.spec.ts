import {
  kindOfEvent,
  RECORD_KINDS,
  subjectOf,
  REJECT_CODES,
  V2_RECORD_KINDS,
  validateCanonicalRecord,
  type CanonicalEvent,
  type RecordKind,
} from '@ajx/contracts';
import { createNormalizer, normalizeFile, fileParserFor, type NormalizeFileOutcome } from '@ajx/domain';
import fc from 'fast-check';
import { defectsFor, RECORD_DEFECTS } from './formats/native-format';
import { canonicalRecords, type SimulatedRecord } from './canonical-records';
import { Random } from './random';
import { nativeFile, NATIVE_FORMATS, simulateFile, type SimulateFileOptions } from './simulate-file';

const INSURERS = ['PICC', 'PINGAN', 'CPIC', 'DADI'] as const;
const isV2 = (kind: RecordKind) => (V2_RECORD_KINDS as readonly string[]).includes(kind);
/** The kinds of a mixed file: the v1 mix by default, only `kind` when it is a v2 kind (opt-in). */
const kindsFor = (kind: RecordKind) => (isV2(kind) ? [kind] : undefined);

// Property runs normalise thousands of records; a busy CI machine must not turn that into a timeout.
jest.setTimeout(120_000);

/** The file through the same two-pass path as `ajx normalize`, compared outcome by outcome. */
async function run(options: SimulateFileOptions): Promise<{ outcome: NormalizeFileOutcome; mismatches: string[] }> {
  const file = simulateFile(options);
  const got: { recordIndex: number; ok: boolean; code?: string; event?: unknown }[] = [];
  const events: CanonicalEvent[] = [];
  const outcome = await normalizeFile(options.insurer, () => file.chunks(), {
    onEvent: (e) => void events.push(e),
    onReject: (r) => void got.push({ recordIndex: r.recordIndex, ok: false, code: r.code }),
  });
  const rejects = new Map(got.map((r) => [r.recordIndex, r]));
  const mismatches: string[] = [];
  let e = 0;
  for (const want of file.outcomes()) {
    const r = rejects.get(want.recordIndex);
    if (!want.ok) {
      if (r?.code !== want.code)
        mismatches.push(`record ${want.recordIndex}: want ${want.code}, got ${r?.code ?? 'an event'}`);
    } else if (r) {
      mismatches.push(`record ${want.recordIndex}: rejected ${r.code}, want ${want.event.type}`);
    } else {
      const ev = events[e++];
      if (JSON.stringify(ev) !== JSON.stringify(want.event))
        mismatches.push(
          `record ${want.recordIndex}: ${JSON.stringify(ev)?.slice(0, 300)} ≠ ${JSON.stringify(want.event).slice(0, 300)}`,
        );
    }
  }
  if (e !== events.length) mismatches.push(`${events.length - e} extra events`);
  for (const ev of events) {
    const problems = validateCanonicalRecord(kindOfEvent(ev), ev.data);
    if (problems.length) mismatches.push(`event ${ev.subject} breaks its JSON Schema: ${problems.join('; ')}`);
  }
  return { outcome, mismatches };
}

describe('record generator × normaliser (property tests)', () => {
  it('normalises valid records of any enterprise, county, sector and version exactly, in every format', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...INSURERS),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom<RecordKind>(...RECORD_KINDS),
        fc.constantFrom<readonly RecordKind[] | undefined>(undefined, RECORD_KINDS, V2_RECORD_KINDS),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (insurer, seed, kind, kinds, noise) => {
          const { outcome, mismatches } = await run({
            insurer,
            seed,
            kind,
            kinds,
            records: 40,
            noise,
            blankLines: 0.1,
          });
          expect(mismatches).toEqual([]);
          expect(outcome).toMatchObject({ fileRejected: false, records: 40, rejected: 0 });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives every single-defect variant exactly its reject code and leaves the other records intact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...INSURERS),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(...RECORD_DEFECTS),
        fc.constantFrom<RecordKind>(...RECORD_KINDS),
        async (insurer, seed, defect, kind) => {
          const { mismatches } = await run({
            insurer,
            seed,
            kind,
            kinds: kindsFor(kind),
            records: 30,
            noise: 0.3,
            defectRate: 0.4,
            defects: [defect],
          });
          expect(mismatches).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it.each(INSURERS)('covers every reject code a record can get in %s files', async (insurer) => {
    const seen = new Set<string>();
    for (const kind of RECORD_KINDS) {
      const options = {
        insurer,
        seed: `codes-${kind}`,
        kind,
        kinds: kindsFor(kind),
        records: 200,
        defectRate: 0.7,
        noise: 0.5,
      };
      const { mismatches } = await run(options);
      expect(mismatches).toEqual([]);
      for (const o of simulateFile(options).outcomes()) if (!o.ok) seen.add(o.code);
      for (const d of defectsFor(kind)) expect([kind, d, seen.has(d)]).toEqual([kind, d, true]);
    }
  });

  it.each([
    ['CPIC', 'INSURER_MISMATCH'],
    ['DADI', 'INSURER_MISMATCH'],
  ])('%s: a file declaring another insurer rejects every record with %s', async (insurer) => {
    const { mismatches, outcome } = await run({
      insurer,
      seed: 7,
      records: 20,
      declaredInsurer: 'PICC' === insurer ? 'CPIC' : 'PINGAN',
      defectRate: 0.3,
    });
    expect(mismatches).toEqual([]);
    expect(outcome).toMatchObject({ accepted: 0, rejected: 20 });
  });

  it.each([
    ['PICC', 'header'],
    ['CPIC', 'doctype'],
    ['CPIC', 'truncated'],
    ['DADI', 'truncated'],
  ] as const)('%s: a whole-file defect (%s) is one MALFORMED_FILE and no event', async (insurer, fileDefect) => {
    const { mismatches, outcome } = await run({ insurer, seed: 3, records: 25, fileDefect });
    expect(outcome.fileRejected).toBe(true);
    expect(mismatches).toEqual([]);
  });

  it('is deterministic and streams in bounded chunks', async () => {
    const a = await simulateFile({ insurer: 'DADI', seed: 'same', records: 300, noise: 0.5 }).bytes();
    const b = await simulateFile({ insurer: 'DADI', seed: 'same', records: 300, noise: 0.5 }).bytes();
    expect(a.equals(b)).toBe(true);
    let largest = 0;
    for await (const chunk of simulateFile({ insurer: 'PINGAN', seed: 1, records: 2000, chunkBytes: 16384 }).chunks())
      largest = Math.max(largest, chunk.length);
    expect(largest).toBeLessThan(64 * 1024);
  });

  it.each(INSURERS)(
    'writes given records in %s files that normalise back to exactly them (nativeFile)',
    async (insurer) => {
      const format = NATIVE_FORMATS[insurer];
      const records: SimulatedRecord[] = [];
      for (const r of canonicalRecords(new Random(`given-${insurer}`), {
        insurer,
        profile: format.profile,
        kinds: format.mixedKinds ? RECORD_KINDS : ['claim'],
      })) {
        records.push(r);
        if (records.length === 60) break;
      }
      const file = nativeFile({ insurer, records, seed: 'given', noise: 0.3 });
      const events: CanonicalEvent[] = [];
      const rejects: unknown[] = [];
      await normalizeFile(insurer, () => file.chunks(), {
        onEvent: (e) => void events.push(e),
        onReject: (r) => void rejects.push(r),
      });
      expect(rejects).toEqual([]);
      expect(events).toEqual([...file.outcomes()].map((o) => (o.ok ? o.event : null)));
      expect(events.map((e) => e.subject)).toEqual(records.map((r) => subjectOf(r.kind, r.record)));
    },
  );

  it('refuses given records a native file cannot hold', () => {
    const [policy] = canonicalRecords(new Random(1), { insurer: 'PICC', profile: NATIVE_FORMATS.PICC.profile });
    const service = { ...policy, kind: 'service' } as SimulatedRecord;
    expect(() => nativeFile({ insurer: 'PICC', records: [policy, service], seed: 1 })).toThrow('one kind');
    expect(() => nativeFile({ insurer: 'DADI', records: [policy], seed: 1 })).toThrow('cannot be delivered by DADI');
  });

  it('uses only reject codes of the standard', () => {
    for (const d of RECORD_DEFECTS) expect(REJECT_CODES).toContain(d);
    expect(fileParserFor('PICC')).toBeDefined();
    expect(createNormalizer().mappingVersion('PICC')).toMatch(/^PICC-/);
  });
});
