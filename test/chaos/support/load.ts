import fs from 'node:fs';
import path from 'node:path';
import { type AccidentRecord, type HazardRecord, RECORD_KINDS, type RecordKind, type Sector } from '@ajx/contracts';
import { fileParserFor, SUPPORTED_INSURERS } from '@ajx/domain';
import { simulateFile } from '@ajx/simulation';
import { isUrgentAccident } from '../../../apps/router/src/route-planner';

/** One accepted record version, as the oracle needs it. */
export interface ExpectedEvent {
  eventId: string;
  insurer: string;
  kind: RecordKind;
  subject: string;
  version: number;
  region: string;
  sector: Sector;
  /** The urgent lane (a major hazard, an urgent accident): this version is urgent. */
  urgent: boolean;
  /** … and settled (the hazard rectified, the accident closed): its escalation stops. */
  settled: boolean;
  /** The canonical record as the standard requires it (the content oracle masks it per department). */
  data: unknown;
}

export interface ExpectedReject {
  recordIndex: number;
  code: string;
}

export interface LoadFile {
  insurer: string;
  file: string;
  contentType: string;
  records: number;
  accepted: ExpectedEvent[];
  rejects: ExpectedReject[];
}

/** Every kind of data standard v2: PICC files take them in turn, the other formats mix them. */
const KINDS: readonly RecordKind[] = RECORD_KINDS;
const keyOf = (e: Pick<ExpectedEvent, 'insurer' | 'kind' | 'subject'>) => `${e.insurer}|${e.kind}|${e.subject}`;

/**
 * Native files for all four insurers from `libs/simulation` (policies with endorsements and cancellations, services
 * with amendments, hazards updated and rectified, accidents — some urgent — updated and closed, claims through their
 * states; ~2 % defective records), written to `dir`, with the outcome the
 * data standard requires for every record: the oracle. Each file is its own generator stream; a file whose records
 * would reuse a record id of an earlier file is drawn again with the next seed, so that every (insurer, kind, subject)
 * belongs to one file and the oracle does not depend on which file the hub happens to process first.
 */
export async function generateLoad(o: {
  dir: string;
  seed: string;
  records: number;
  perFile: number;
  regionPrefixes: string[];
}): Promise<LoadFile[]> {
  fs.mkdirSync(o.dir, { recursive: true });
  const files: LoadFile[] = [];
  const owner = new Map<string, number>();
  const perInsurer = Math.ceil(o.records / SUPPORTED_INSURERS.length);
  for (const insurer of SUPPORTED_INSURERS) {
    for (let n = 0, made = 0; made < perInsurer; n++) {
      const records = Math.min(o.perFile, perInsurer - made);
      for (let attempt = 0; ; attempt++) {
        const sim = simulateFile({
          insurer,
          seed: `${o.seed}-${insurer}-${n}-${attempt}`,
          records,
          kind: KINDS[n % KINDS.length],
          kinds: KINDS,
          regionPrefixes: o.regionPrefixes,
          defectRate: 0.02,
          noise: 0.02,
        });
        const accepted: ExpectedEvent[] = [];
        const rejects: ExpectedReject[] = [];
        for (const out of sim.outcomes()) {
          if (!out.ok) {
            rejects.push({ recordIndex: out.recordIndex, code: out.code });
            continue;
          }
          const e = out.event;
          const hazard = out.kind === 'hazard' ? (e.data as HazardRecord) : null;
          const accident = out.kind === 'accident' ? (e.data as AccidentRecord) : null;
          accepted.push({
            eventId: e.id,
            insurer: e.insurer,
            kind: out.kind,
            subject: e.subject,
            version: e.sourceversion,
            region: e.region,
            sector: e.sector,
            urgent: hazard ? hazard.level === 'major' : accident ? isUrgentAccident(accident) : false,
            settled: hazard ? hazard.status === 'rectified' : accident ? accident.status === 'closed' : false,
            data: e.data,
          });
        }
        if (accepted.some((e) => owner.has(keyOf(e)))) continue;
        const index = files.length;
        for (const e of accepted) owner.set(keyOf(e), index);
        const file = path.join(o.dir, `${insurer}-${n}`);
        fs.writeFileSync(file, await sim.bytes());
        files.push({
          insurer,
          file,
          contentType: fileParserFor(insurer)!.contentTypes[0],
          records,
          accepted,
          rejects,
        });
        break;
      }
      made += records;
    }
  }
  return files;
}

export interface UploadResult {
  batchId: string;
  attempts: number;
  duplicateAnswers: number;
}

/**
 * Uploads one file as an insurer's client would: on a connection error, a 5xx or a 429 it waits and sends the same
 * file again. A gateway killed after it stored the file answers the retry 200 `duplicate=true` with the same batch.
 */
export async function uploadWithRetries(
  gatewayUrl: string,
  token: string,
  f: LoadFile,
  deadline: number,
): Promise<UploadResult> {
  const body = fs.readFileSync(f.file);
  let duplicateAnswers = 0;
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    let text = '';
    try {
      const res = await fetch(`${gatewayUrl}/v1/ingest/${f.insurer}/files`, {
        method: 'POST',
        headers: { 'content-type': f.contentType, authorization: `Bearer ${token}` },
        body,
        signal: AbortSignal.timeout(120_000),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      text = (err as Error).message;
    }
    if (status === 202 || status === 200) {
      const answer = JSON.parse(text) as { batchId: string; duplicate: boolean };
      if (answer.duplicate) duplicateAnswers++;
      return { batchId: answer.batchId, attempts: attempt, duplicateAnswers };
    }
    if (status !== 0 && status < 500 && status !== 429) {
      throw new Error(`upload of ${path.basename(f.file)} refused: ${status} ${text.slice(0, 500)}`);
    }
    if (Date.now() > deadline) throw new Error(`upload of ${path.basename(f.file)} kept failing: ${status} ${text}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
