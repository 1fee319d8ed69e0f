import { instantOf } from './calendar';
import type {
  SupervisedKind,
  SupervisedRecordOfKind,
  SupervisionInput,
  SupervisionRegisterEntry,
} from './supervision.types';

/** The hub's earliest acceptance of any version of a record (HAZARD_REPORTED_LATE). */
export interface Acceptance {
  readonly ms: number;
  /** As received (e.g. `2023-03-06T16:00:17.000Z`). */
  readonly at: string;
  readonly version: number;
}

/** One record (insurer, kind, subject): its latest and previous versions, as received so far. */
export interface RecordEntry<K extends SupervisedKind = SupervisedKind> {
  readonly kind: K;
  /** `insurer/subject`: the key of the record's findings. */
  readonly key: string;
  /** The highest version received. */
  latest: SupervisedRecordOfKind[K];
  /** The next lower version received (HEADCOUNT_REDUCED), or null. */
  previous: SupervisedRecordOfKind[K] | null;
  /** Every version received (a handful): a version received again counts for nothing (the first received stays). */
  readonly versions: number[];
  earliestAcceptance: Acceptance | null;
}

/** Everything the rules read about one enterprise (uscc): its records by key, and its register entry. */
export interface EnterpriseRecords {
  readonly uscc: string;
  readonly policy: Map<string, RecordEntry<'policy'>>;
  readonly service: Map<string, RecordEntry<'service'>>;
  readonly hazard: Map<string, RecordEntry<'hazard'>>;
  readonly accident: Map<string, RecordEntry<'accident'>>;
  readonly claim: Map<string, RecordEntry<'claim'>>;
  register: SupervisionRegisterEntry | null;
  /** Raised on every change of the enterprise's records or register entry (lets evaluations reuse what they derived). */
  revision: number;
}

/**
 * - `new`: the first version of a record; `newer`: a version above the latest; `older`: a version below it (it may
 *   become the previous version or bring an earlier acceptance); `duplicate`: a version already received (ignored).
 * `touched`: the enterprises whose evaluation may have changed (two when the latest version moved the record to
 * another uscc).
 */
export interface ApplyOutcome {
  readonly status: 'new' | 'newer' | 'older' | 'duplicate';
  readonly touched: readonly string[];
}

export function subjectOf(input: SupervisionInput): string {
  switch (input.kind) {
    case 'policy':
      return input.record.policyNo;
    case 'service':
      return input.record.serviceId;
    case 'hazard':
      return input.record.hazardId;
    case 'accident':
      return input.record.accidentId;
    case 'claim':
      return input.record.claimNo;
  }
}

const NO_ENTERPRISES: readonly string[] = [];

/**
 * The in-memory state of supervision: the latest and previous version of every record, grouped by the uscc of the
 * latest version, and the must-insure register. Every rule and figure of an enterprise depends only on its own
 * records, its register entry and the pack, so a change re-evaluates only the enterprises it touches. Versions may
 * arrive in any order; the result depends only on the set of versions received (and, for a version received
 * twice, on the first).
 */
export class SupervisionState {
  private readonly records: { [K in SupervisedKind]: Map<string, RecordEntry<K>> } = {
    policy: new Map(),
    service: new Map(),
    hazard: new Map(),
    accident: new Map(),
    claim: new Map(),
  };
  private readonly enterprises = new Map<string, EnterpriseRecords>();

  /** Takes one received version of a record. */
  apply(input: SupervisionInput): ApplyOutcome {
    const key = `${input.record.insurer}/${subjectOf(input)}`;
    const records = this.records[input.kind] as Map<string, RecordEntry>;
    const acceptance = acceptanceOf(input);
    const entry = records.get(key);
    const uscc = input.record.enterprise.uscc;
    if (!entry) {
      const created: RecordEntry = {
        kind: input.kind,
        key,
        latest: input.record,
        previous: null,
        versions: [input.record.version],
        earliestAcceptance: acceptance,
      };
      records.set(key, created);
      const e = this.enterpriseOf(uscc);
      (e[input.kind] as Map<string, RecordEntry>).set(key, created);
      e.revision++;
      return { status: 'new', touched: [uscc] };
    }
    const version = input.record.version;
    if (entry.versions.includes(version)) return { status: 'duplicate', touched: NO_ENTERPRISES };
    entry.versions.push(version);
    if (acceptance && isEarlier(acceptance, entry.earliestAcceptance)) entry.earliestAcceptance = acceptance;
    const before = entry.latest.enterprise.uscc;
    if (version > entry.latest.version) {
      entry.previous = entry.latest;
      entry.latest = input.record;
      if (before !== uscc) {
        this.detach(before, input.kind, key);
        const e = this.enterpriseOf(uscc);
        (e[input.kind] as Map<string, RecordEntry>).set(key, entry);
        e.revision++;
        return { status: 'newer', touched: [before, uscc] };
      }
      this.enterpriseOf(uscc).revision++;
      return { status: 'newer', touched: [uscc] };
    }
    if (entry.previous === null || version > entry.previous.version) entry.previous = input.record;
    this.enterpriseOf(before).revision++;
    return { status: 'older', touched: [before] };
  }

  /** Sets (or replaces) an enterprise's register entry; returns the enterprise touched. */
  putRegisterEntry(entry: SupervisionRegisterEntry): readonly string[] {
    const e = this.enterpriseOf(entry.uscc);
    e.register = entry;
    e.revision++;
    return [entry.uscc];
  }

  /** Removes an enterprise from the register. */
  removeRegisterEntry(uscc: string): readonly string[] {
    const e = this.enterprises.get(uscc);
    if (!e?.register) return NO_ENTERPRISES;
    e.register = null;
    e.revision++;
    this.dropIfEmpty(e);
    return [uscc];
  }

  /** Replaces the whole register (a new version of `register_current`); returns the enterprises whose entry changed. */
  replaceRegister(entries: Iterable<SupervisionRegisterEntry>): Set<string> {
    const next = new Map<string, SupervisionRegisterEntry>();
    for (const e of entries) next.set(e.uscc, e);
    const touched = new Set<string>();
    for (const e of [...this.enterprises.values()])
      if (e.register && !next.has(e.uscc)) for (const u of this.removeRegisterEntry(e.uscc)) touched.add(u);
    for (const e of next.values()) {
      const current = this.enterprises.get(e.uscc)?.register;
      if (current && sameRegisterEntry(current, e)) continue;
      for (const u of this.putRegisterEntry(e)) touched.add(u);
    }
    return touched;
  }

  enterprise(uscc: string): EnterpriseRecords | undefined {
    return this.enterprises.get(uscc);
  }

  usccs(): IterableIterator<string> {
    return this.enterprises.keys();
  }

  get enterpriseCount(): number {
    return this.enterprises.size;
  }

  private enterpriseOf(uscc: string): EnterpriseRecords {
    let e = this.enterprises.get(uscc);
    if (!e) {
      e = {
        uscc,
        policy: new Map(),
        service: new Map(),
        hazard: new Map(),
        accident: new Map(),
        claim: new Map(),
        register: null,
        revision: 0,
      };
      this.enterprises.set(uscc, e);
    }
    return e;
  }

  private detach(uscc: string, kind: SupervisedKind, key: string): void {
    const e = this.enterprises.get(uscc);
    if (!e) return;
    e[kind].delete(key);
    e.revision++;
    this.dropIfEmpty(e);
  }

  private dropIfEmpty(e: EnterpriseRecords): void {
    if (
      e.register === null &&
      e.policy.size === 0 &&
      e.service.size === 0 &&
      e.hazard.size === 0 &&
      e.accident.size === 0 &&
      e.claim.size === 0
    )
      this.enterprises.delete(e.uscc);
  }
}

function acceptanceOf(input: SupervisionInput): Acceptance | null {
  if (input.acceptedAt === null) return null;
  return { ms: instantOf(input.acceptedAt), at: input.acceptedAt, version: input.record.version };
}

/** Earlier instant first; the same instant written twice: the lower version's text, whatever the arrival order. */
function isEarlier(a: Acceptance, than: Acceptance | null): boolean {
  return than === null || a.ms < than.ms || (a.ms === than.ms && a.version < than.version);
}

function sameRegisterEntry(a: SupervisionRegisterEntry, b: SupervisionRegisterEntry): boolean {
  return (
    a.regionCode === b.regionCode &&
    a.sector === b.sector &&
    a.employeeCount === b.employeeCount &&
    a.alternative === b.alternative
  );
}
