import { createHash } from 'node:crypto';
import type { RecordKind } from '@ajx/contracts';
import { formatBeijingDateTime } from './beijing-time';
import { describeProblems, InterchangeError } from './errors';
import { dailyManifestSchema, manifestVerdictSchema, PROTOCOL_VERSION, reconciliationReportSchema } from './schemas';
import { parseJson, schemaChecker } from './validation';

/**
 * Reconciliation: per Beijing date of acceptance and per insurer × record kind, the number of distinct event ids
 * and a digest of them. Both sides compute it from what they hold; equal cells prove the same events arrived.
 */

export interface ManifestItem {
  insurer: string;
  kind: RecordKind;
  eventId: string;
  /** Beijing date of acceptance, `YYYY-MM-DD`. */
  acceptedDate: string;
}

export interface CellTally {
  /** Distinct event ids. */
  count: number;
  /** SHA-256 (hex) of the distinct event ids sorted ascending, joined with `\n`. */
  digest: string;
}

export interface ManifestCell extends CellTally {
  insurer: string;
  kind: RecordKind;
}

export interface DailyTally {
  date: string;
  /** Sorted by insurer, then kind; only cells with at least one event. */
  cells: ManifestCell[];
}

/**
 * The signed head of the hub's audit chain (hash-chained, Ed25519-signed blocks; `ajx audit verify --anchor`).
 * A manifest carries the head current when it was made, so the province holds a copy of it outside the hub: a
 * later edit, deletion or truncation of the hub's audit log before that block is detectable against it.
 */
export interface AuditAnchor {
  /** Block number (decimal). */
  blockNo: string;
  /** Hex SHA-256 of the block. */
  hash: string;
  /** Hex Ed25519 signature of the hash. */
  signature: string;
  /** Id of the audit key (the first 16 hex digits of SHA-256 over its public key). */
  keyId: string;
  /** When the block was sealed (ISO 8601). */
  sealedAt: string;
}

/** What the hub sends the province for one day (`POST /v1/interchange/manifests`). */
export interface DailyManifest {
  protocol: typeof PROTOCOL_VERSION;
  date: string;
  sender: string;
  province: string;
  generatedAt: string;
  cells: ManifestCell[];
  /** Optional: the hub's audit chain head when the manifest was made. Receivers keep it; it is not compared. */
  auditAnchor?: AuditAnchor;
}

/** One (date, insurer, kind) whose tallies differ; a side without events has `{count: 0, digest: EMPTY_DIGEST}`. */
export interface CellMismatch {
  date: string;
  insurer: string;
  kind: RecordKind;
  /** The sender's (hub's) tally. */
  expected: CellTally;
  /** The receiver's (province's) tally. */
  actual: CellTally;
}

/** The province's answer to a manifest. */
export interface ManifestVerdict {
  date: string;
  status: 'match' | 'mismatch';
  cells: CellMismatch[];
}

/** What the province sends the hub when a day does not match (`POST /v1/interchange/reconciliation/{date}`). */
export interface ReconciliationReport {
  protocol: typeof PROTOCOL_VERSION;
  date: string;
  province: string;
  status: 'mismatch';
  cells: CellMismatch[];
  reportedAt: string;
}

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Digest of a set of event ids (duplicates count once). Event ids are lower-case UUIDs, i.e. ASCII. */
export function digestOfEventIds(ids: Iterable<string>): string {
  const sorted = [...new Set(ids)].sort(byCode);
  return createHash('sha256').update(sorted.join('\n'), 'utf8').digest('hex');
}

export const EMPTY_DIGEST = digestOfEventIds([]);
const EMPTY: CellTally = { count: 0, digest: EMPTY_DIGEST };

/** Tallies per day, sorted by date; an event id listed twice (a duplicate delivery, a correction) counts once. */
export function tallyByDate(items: Iterable<ManifestItem>): DailyTally[] {
  type Cell = { insurer: string; kind: RecordKind; ids: Set<string> };
  const days = new Map<string, Map<string, Cell>>();
  for (const it of items) {
    let day = days.get(it.acceptedDate);
    if (!day) days.set(it.acceptedDate, (day = new Map<string, Cell>()));
    const key = `${it.insurer}\u0000${it.kind}`;
    let cell = day.get(key);
    if (!cell) day.set(key, (cell = { insurer: it.insurer, kind: it.kind, ids: new Set<string>() }));
    cell.ids.add(it.eventId);
  }
  return [...days.keys()].sort(byCode).map((date) => ({
    date,
    cells: [...days.get(date)!.values()]
      .sort((a, b) => byCode(a.insurer, b.insurer) || byCode(a.kind, b.kind))
      .map((c) => ({ insurer: c.insurer, kind: c.kind, count: c.ids.size, digest: digestOfEventIds(c.ids) })),
  }));
}

/** The cells of one day whose tallies differ (a cell missing on one side counts as empty there). */
export function compareDay(
  date: string,
  expected: readonly ManifestCell[],
  actual: readonly ManifestCell[],
): CellMismatch[] {
  const key = (c: ManifestCell) => `${c.insurer}\u0000${c.kind}`;
  const want = new Map(expected.map((c) => [key(c), c]));
  const have = new Map(actual.map((c) => [key(c), c]));
  const keys = [...new Set([...want.keys(), ...have.keys()])].sort(byCode);
  const out: CellMismatch[] = [];
  for (const k of keys) {
    const e = want.get(k);
    const a = have.get(k);
    const ref = (e ?? a)!;
    const et: CellTally = e ? { count: e.count, digest: e.digest } : EMPTY;
    const at: CellTally = a ? { count: a.count, digest: a.digest } : EMPTY;
    if (et.count !== at.count || et.digest !== at.digest) {
      out.push({ date, insurer: ref.insurer, kind: ref.kind, expected: et, actual: at });
    }
  }
  return out;
}

/** Mismatching (date, insurer, kind) cells over several days; a day missing on one side counts as empty there. */
export function compareTallies(expected: readonly DailyTally[], actual: readonly DailyTally[]): CellMismatch[] {
  const want = new Map(expected.map((d) => [d.date, d.cells]));
  const have = new Map(actual.map((d) => [d.date, d.cells]));
  return [...new Set([...want.keys(), ...have.keys()])]
    .sort(byCode)
    .flatMap((date) => compareDay(date, want.get(date) ?? [], have.get(date) ?? []));
}

/** The manifest of one day from the items of that day (items of other days are ignored). */
export function buildDailyManifest(o: {
  date: string;
  sender: string;
  province: string;
  items: Iterable<ManifestItem>;
  generatedAt?: Date | number;
}): DailyManifest {
  const day = tallyByDate([...o.items].filter((i) => i.acceptedDate === o.date))[0];
  return {
    protocol: PROTOCOL_VERSION,
    date: o.date,
    sender: o.sender,
    province: o.province,
    generatedAt: formatBeijingDateTime(o.generatedAt ?? Date.now()),
    cells: day?.cells ?? [],
  };
}

/**
 * The manifest of one day from cells already tallied (e.g. by the database, with the same digest rule); the cells
 * are sorted by insurer, then kind, and empty ones dropped, as the protocol wants them.
 */
export function dailyManifestOf(o: {
  date: string;
  sender: string;
  province: string;
  cells: readonly ManifestCell[];
  generatedAt?: Date | number;
  auditAnchor?: AuditAnchor | null;
}): DailyManifest {
  const cells = o.cells
    .filter((c) => c.count > 0)
    .map((c) => ({ insurer: c.insurer, kind: c.kind, count: c.count, digest: c.digest }))
    .sort((a, b) => byCode(a.insurer, b.insurer) || byCode(a.kind, b.kind));
  return {
    protocol: PROTOCOL_VERSION,
    date: o.date,
    sender: o.sender,
    province: o.province,
    generatedAt: formatBeijingDateTime(o.generatedAt ?? Date.now()),
    cells,
    ...(o.auditAnchor ? { auditAnchor: o.auditAnchor } : {}),
  };
}

/** The verdict on one day's manifest given the receiver's own cells for that day. */
export function judgeManifest(manifest: DailyManifest, actualCells: readonly ManifestCell[]): ManifestVerdict {
  const cells = compareDay(manifest.date, manifest.cells, actualCells);
  return { date: manifest.date, status: cells.length ? 'mismatch' : 'match', cells };
}

const checkManifest = schemaChecker<DailyManifest>(dailyManifestSchema);
const checkVerdict = schemaChecker<ManifestVerdict>(manifestVerdictSchema);
const checkReport = schemaChecker<ReconciliationReport>(reconciliationReportSchema);

/** Reads a received manifest; throws an `InterchangeError` (400) naming every problem. */
export function parseDailyManifest(raw: Buffer | string, o: { province: string }): DailyManifest {
  const json = parseJson(raw);
  if (!json.ok) throw new InterchangeError('MALFORMED_JSON', json.message);
  const checked = checkManifest(json.value);
  if (!checked.ok) {
    throw new InterchangeError(
      'INVALID_MANIFEST',
      `invalid manifest: ${describeProblems(checked.problems)}`,
      checked.problems,
    );
  }
  const m = checked.value;
  if (m.province !== o.province) {
    throw new InterchangeError('WRONG_PROVINCE', `the manifest is for province ${m.province}, this is ${o.province}`, [
      { path: '/province', message: `must be ${o.province}` },
    ]);
  }
  const seen = new Set<string>();
  const problems = m.cells.flatMap((c, i) => {
    const k = `${c.insurer}\u0000${c.kind}`;
    if (seen.has(k)) return [{ path: `/cells/${i}`, message: `${c.insurer} ${c.kind} is listed twice` }];
    seen.add(k);
    if (c.count === 0) return [{ path: `/cells/${i}/count`, message: 'cells without events are left out' }];
    return [];
  });
  if (problems.length) {
    throw new InterchangeError('INVALID_MANIFEST', `invalid manifest: ${describeProblems(problems)}`, problems);
  }
  return m;
}

/** Reads the province's answer to a manifest (hub side). */
export function parseManifestVerdict(value: unknown): ManifestVerdict {
  const checked = checkVerdict(value);
  if (!checked.ok) throw new Error(`invalid manifest verdict: ${describeProblems(checked.problems)}`);
  return checked.value;
}

export function buildReconciliationReport(o: {
  date: string;
  province: string;
  cells: CellMismatch[];
  reportedAt?: Date | number;
}): ReconciliationReport {
  return {
    protocol: PROTOCOL_VERSION,
    date: o.date,
    province: o.province,
    status: 'mismatch',
    cells: o.cells,
    reportedAt: formatBeijingDateTime(o.reportedAt ?? Date.now()),
  };
}

/** Reads a reconciliation report (hub side); `date` is the date of the request path, which must agree. */
export function parseReconciliationReport(raw: Buffer | string, o: { date: string }): ReconciliationReport {
  const json = parseJson(raw);
  if (!json.ok) throw new InterchangeError('MALFORMED_JSON', json.message);
  const checked = checkReport(json.value);
  if (!checked.ok) {
    throw new InterchangeError(
      'INVALID_REPORT',
      `invalid report: ${describeProblems(checked.problems)}`,
      checked.problems,
    );
  }
  const r = checked.value;
  const problems = [
    ...(r.date !== o.date ? [{ path: '/date', message: `must equal the date of the path, ${o.date}` }] : []),
    ...r.cells.flatMap((c, i) =>
      c.date !== r.date ? [{ path: `/cells/${i}/date`, message: `must be ${r.date}` }] : [],
    ),
  ];
  if (problems.length)
    throw new InterchangeError('INVALID_REPORT', `invalid report: ${describeProblems(problems)}`, problems);
  return r;
}
