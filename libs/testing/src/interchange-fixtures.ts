import { type CanonicalRecord, RECORD_KINDS, type RecordKind, type Sector } from '@ajx/contracts';
import {
  type BatchEntry,
  type CanonicalEvent,
  canonicalEventId,
  formatBeijingDateTime,
} from '@ajx/interchange-protocol';

/** Valid canonical events and batch entries for interchange tests (shapes as in shared/samples/expected). */

export interface EventFixtureOptions {
  insurer?: string;
  kind?: RecordKind;
  subject?: string;
  version?: number;
  uscc?: string;
  region?: string;
  sector?: Sector;
  /** Business time (default 2025-03-01 10:00 Beijing). */
  time?: string;
  /** Free text that changes the content (not the id): a correction carries other content under the same id. */
  note?: string;
}

const ENTERPRISE_NAME = '杭州金泰燃气股份有限公司';

function recordOf(kind: RecordKind, o: Required<EventFixtureOptions>): CanonicalRecord {
  const enterprise = { uscc: o.uscc, name: ENTERPRISE_NAME, regionCode: o.region, sector: o.sector };
  switch (kind) {
    case 'policy':
      return {
        policyNo: o.subject,
        insurer: o.insurer,
        action: o.version === 0 ? 'issued' : 'endorsed',
        version: o.version,
        enterprise: { ...enterprise, industryCode: null, employeeCount: 72 },
        contact: { name: o.note || null, phone: null },
        coverage: {
          start: '2025-03-29',
          end: '2026-03-27',
          insuredHeadcount: 72,
          perPersonLimitFen: 100000000,
          totalLimitFen: 5000000000,
        },
        premium: {
          amountFen: 34110153,
          adjustmentPct: -15,
          factors: {
            standardization: 'level1',
            safetyCulture: 'city',
            advancedUnit: 'none',
            priorYearAccident: 'none',
          },
        },
        preventionFeeFen: null,
        cancelledOn: null,
      };
    case 'service':
      return {
        serviceId: o.subject,
        insurer: o.insurer,
        action: o.version === 1 ? 'recorded' : 'amended',
        version: o.version,
        policyNo: null,
        enterprise,
        item: 'hazard_inspection',
        form: 'onsite',
        provider: { kind: 'insurer', name: '人保财险杭州分公司', uscc: null },
        staff: [{ name: '张三', certificateNo: null }],
        startedAt: '2025-03-01T09:00:00+08:00',
        endedAt: '2025-03-01T17:00:00+08:00',
        location: null,
        summary: o.note || null,
        hazardsFound: 1,
        costFen: null,
        revisit: null,
      };
    case 'hazard':
      return {
        hazardId: o.subject,
        insurer: o.insurer,
        action: o.version === 1 ? 'reported' : 'updated',
        version: o.version,
        serviceId: null,
        policyNo: null,
        enterprise,
        level: 'general',
        category: null,
        description: o.note || '应急照明失效',
        discoveredAt: '2025-03-01T11:00:00+08:00',
        rectifyBy: '2025-04-01',
        status: 'open',
        rectifiedAt: null,
      };
    case 'accident':
      return {
        accidentId: o.subject,
        insurer: o.insurer,
        action: o.version === 1 ? 'reported' : 'updated',
        version: o.version,
        policyNo: null,
        enterprise,
        occurredAt: '2025-03-01T08:30:00+08:00',
        location: '调压站',
        category: 'fire',
        grade: 'general',
        deaths: 0,
        seriousInjuries: 1,
        minorInjuries: 2,
        directLossFen: 8500000,
        description: o.note || '调压站阀门泄漏起火',
        status: 'open',
        reportedToAuthorityAt: '2025-03-01T09:00:00+08:00',
      };
    case 'claim':
      return {
        claimNo: o.subject,
        insurer: o.insurer,
        action: (['filed', 'assessed', 'agreed', 'paid'] as const)[Math.min(o.version, 4) - 1],
        version: o.version,
        policyNo: `${o.insurer}AZ0001`,
        accidentId: null,
        enterprise,
        filedAt: '2025-03-01T10:00:00+08:00',
        documentsCompleteAt: o.version >= 2 ? '2025-03-05T10:00:00+08:00' : null,
        decidedAt: o.version >= 2 ? '2025-03-10T10:00:00+08:00' : null,
        decision: o.version >= 2 ? 'accept' : null,
        agreedAt: o.version >= 3 ? '2025-03-12T10:00:00+08:00' : null,
        paidAt: o.version >= 4 ? '2025-03-15T10:00:00+08:00' : null,
        claimedFen: 12000000,
        agreedFen: o.version >= 3 ? 10000000 : null,
        paidFen: o.version >= 4 ? 10000000 : null,
        // Claims carry no free text: a note (a correction's other content) shows as a changed count.
        victims: 3 + o.note.length,
      };
  }
}

/** A valid canonical event (structured mode) with a correctly derived id. */
export function canonicalEventFixture(options: EventFixtureOptions = {}): CanonicalEvent {
  const kind = options.kind ?? 'policy';
  const o: Required<EventFixtureOptions> = {
    insurer: options.insurer ?? 'PICC',
    kind,
    subject: options.subject ?? `${options.insurer ?? 'PICC'}${kind.toUpperCase()}0001`,
    version: options.version ?? (kind === 'policy' ? 0 : 1),
    uscc: options.uscc ?? '91330114932995319A',
    region: options.region ?? '330114',
    sector: options.sector ?? 'city_gas',
    time: options.time ?? formatBeijingDateTime(Date.UTC(2025, 2, 1, 2, 0, 0)),
    note: options.note ?? '',
  };
  const data = recordOf(kind, o);
  return {
    specversion: '1.0',
    id: canonicalEventId(o.insurer, kind, o.subject, o.version),
    source: `/insurers/${o.insurer}`,
    type: `ajx.${kind}.${(data as { action: string }).action}`,
    subject: o.subject,
    time: o.time,
    datacontenttype: 'application/json',
    dataschema: `urn:ajx:${kind}:v1`,
    insurer: o.insurer,
    region: o.region,
    sector: o.sector,
    uscc: o.uscc,
    sourceversion: o.version,
    data,
  };
}

/** `count` entries with consecutive sequence numbers from `firstSeq`, spread over insurers, kinds and enterprises. */
export function batchEntriesFixture(
  firstSeq: number,
  count: number,
  o: { acceptedDate?: string; region?: string; enterprises?: number; subjectPrefix?: string } = {},
): BatchEntry[] {
  const insurers = ['PICC', 'PINGAN', 'CPIC', 'DADI'];
  const kinds: readonly RecordKind[] = RECORD_KINDS;
  const usccs = ['91330114932995319A', '91330902971540106E', '91330100MA27XK2Q1B', '913301007042053930'];
  const enterprises = Math.min(o.enterprises ?? usccs.length, usccs.length);
  return Array.from({ length: count }, (_, i) => {
    const seq = firstSeq + i;
    const kind = kinds[seq % kinds.length];
    const insurer = insurers[seq % insurers.length];
    return {
      seq,
      acceptedDate: o.acceptedDate ?? '2025-03-01',
      correction: false,
      event: canonicalEventFixture({
        insurer,
        kind,
        subject: `${o.subjectPrefix ?? 'S'}${seq}`,
        uscc: usccs[seq % enterprises],
        region: o.region ?? '330114',
      }),
    };
  });
}

/** The same event (same id) with other content, as a correction carries it. */
export function withRevisedContent(event: CanonicalEvent, note: string): CanonicalEvent {
  const data = structuredClone(event.data) as unknown as Record<string, unknown>;
  if ('policyNo' in data && 'contact' in data) (data.contact as Record<string, unknown>).name = note;
  else if ('serviceId' in data) data.summary = note;
  else if ('claimNo' in data) data.victims = (data.victims as number) + note.length;
  else data.description = note;
  return { ...event, data: data as unknown as CanonicalEvent['data'] };
}
