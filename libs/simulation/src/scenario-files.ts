import type { RecordKind } from '@ajx/contracts';
import { fileParserFor } from '@ajx/domain';
import { NATIVE_FORMATS, nativeFile, type NativeFile } from './simulate-file';
import type { ScenarioRecord } from './supervision-scenario';

/** One native file of a scenario delivery: an insurer's records of the history or of one tick. */
export interface ScenarioFile {
  readonly insurer: string;
  /** The kind of a PICC file (one kind per file); null for the formats that mix kinds. */
  readonly kind: RecordKind | null;
  readonly records: readonly ScenarioRecord[];
  /** The media type the gateway takes the file as (`POST /v1/ingest/{insurer}/files`). */
  readonly contentType: string;
  readonly file: NativeFile;
}

const KIND_ORDER: readonly RecordKind[] = ['policy', 'service', 'hazard', 'accident', 'claim'];

/**
 * The native files that deliver `records` (the history, or one tick): one per insurer in its own format — PICC one
 * per kind — each holding its records in delivery order, in the order PICC, PINGAN, CPIC, DADI. `label` names the
 * delivery (e.g. `history`, `tick-3`) and, with `seed`, fixes how values are written, so the same delivery gives
 * the same bytes; `noise` (default 0) writes values the way real files do (the standard undoes it).
 */
export function scenarioFiles(
  records: readonly ScenarioRecord[],
  o: { seed: number | string; label: string; noise?: number },
): ScenarioFile[] {
  const files: ScenarioFile[] = [];
  for (const insurer of Object.keys(NATIVE_FORMATS)) {
    const own = records.filter((r) => r.record.insurer === insurer);
    if (!own.length) continue;
    const format = NATIVE_FORMATS[insurer];
    const groups: [RecordKind | null, ScenarioRecord[]][] = format.mixedKinds
      ? [[null, own]]
      : KIND_ORDER.map((k): [RecordKind, ScenarioRecord[]] => [k, own.filter((r) => r.kind === k)]).filter(
          ([, list]) => list.length > 0,
        );
    for (const [kind, list] of groups) {
      const part = kind ? `${insurer}-${kind}` : insurer;
      files.push({
        insurer,
        kind,
        records: list,
        contentType: fileParserFor(insurer)!.contentTypes[0],
        file: nativeFile({
          insurer,
          records: list,
          kind: kind ?? undefined,
          seed: `${String(o.seed)}:${o.label}:${part}`,
          noise: o.noise ?? 0,
          batchNo: batchNoOf(o.label, part),
        }),
      });
    }
  }
  return files;
}

/** A batch number as insurers write them: letters and digits only. */
function batchNoOf(label: string, part: string): string {
  return `SC${label}${part}`
    .replace(/[^0-9A-Za-z]/g, '')
    .toUpperCase()
    .slice(0, 32);
}
