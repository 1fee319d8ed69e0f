import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCanonicalEvent, type CanonicalEvent, type RecordReject } from '@ajx/contracts';
import { normalizeFile } from '@ajx/domain';
import type { SimulatedRecord } from '../canonical-records';
import { Noise } from '../noise';
import { Random } from '../random';
import { NATIVE_FORMATS } from '../simulate-file';

/*
 * The native renderings of the generator against records it did not make: the accidents and claims of the shared
 * supervision samples (written independently of this project), rendered in each insurer's format with and without
 * noise, must normalise back to exactly the same canonical records.
 */

const EVENTS = join(__dirname, '../../../../../shared/samples/supervision-v2/events.ndjson');

function sharedV2Records(): SimulatedRecord[] {
  return readFileSync(EVENTS, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CanonicalEvent & { kind?: string })
    .filter((e) => e.dataschema === 'urn:ajx:accident:v1' || e.dataschema === 'urn:ajx:claim:v1')
    .map((e) => ({ kind: e.dataschema.split(':')[2], record: e.data, time: e.time }) as SimulatedRecord);
}

async function roundTrip(insurer: string, kind: 'accident' | 'claim', sims: SimulatedRecord[], noise: number) {
  const format = NATIVE_FORMATS[insurer];
  const rng = new Random(`${insurer}-${kind}-${noise}`);
  const n = new Noise(rng.fork('noise'), noise);
  const options = { declaredInsurer: insurer, batchNo: 'RT1', kind };
  const texts = sims.map((s) => format.serialize(format.render(s, n, rng), rng, n));
  const text =
    format.head(options) +
    texts.join(format.separator) +
    (format.separatorBetweenOnly ? '' : format.separator) +
    format.tail(options);
  const events: CanonicalEvent[] = [];
  const rejects: RecordReject[] = [];
  await normalizeFile(
    insurer,
    async function* () {
      yield format.encode(text);
    },
    { onEvent: (e) => void events.push(e), onReject: (r) => void rejects.push(r) },
  );
  return { events, rejects };
}

describe('native formats × records made elsewhere (shared supervision samples, v2)', () => {
  const all = existsSync(EVENTS) ? sharedV2Records() : [];

  (all.length ? it : it.skip).each(
    Object.keys(NATIVE_FORMATS).flatMap((insurer) =>
      (['accident', 'claim'] as const).flatMap((kind) => [0, 0.6].map((noise) => [insurer, kind, noise] as const)),
    ),
  )('%s %s records (noise %s) normalise back to the very same records', async (insurer, kind, noise) => {
    const format = NATIVE_FORMATS[insurer];
    const sims = all
      .filter((s) => s.kind === kind && format.profile.sectors.includes(s.record.enterprise.sector))
      .map((s) => ({ ...s, record: { ...s.record, insurer } }) as SimulatedRecord);
    expect(sims.length).toBeGreaterThan(30);
    const { events, rejects } = await roundTrip(insurer, kind, sims, noise);
    expect(rejects).toEqual([]);
    expect(events).toEqual(sims.map((s) => buildCanonicalEvent(insurer, s.kind, s.record, s.time)));
  });
});
