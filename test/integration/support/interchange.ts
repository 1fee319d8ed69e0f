import { type CanonicalEvent, RECORD_KINDS, type RecordKind } from '@ajx/contracts';
import { CanonicalStoreRepository } from '@ajx/canonical-store';
import { canonicalEventFixture, startService, type StartedService, testConfig, type TestNamespace } from '@ajx/testing';
import { contentHash } from '@ajx/normalization';
import type { DataSource } from 'typeorm';
import type { LogRow, LogStats } from '../../../apps/province-simulator/src/database/delivery-log.repository';
import type { FaultState } from '../../../apps/province-simulator/src/interchange/fault-injector';
import { ProvinceSimulatorConfig } from '../../../apps/province-simulator/src/province-simulator.config';
import { provinceSimulatorService } from '../../../apps/province-simulator/src/province-simulator.service-definition';

/** Enterprises of Zhejiang (33) and Shandong (37) with valid USCCs. */
export const ZJ_ENTERPRISES = [
  { uscc: '91330114932995319A', region: '330114' },
  { uscc: '91330902971540106E', region: '330902' },
  { uscc: '91330100MA27XK2Q1B', region: '330106' },
  { uscc: '913301007042053930', region: '330102' },
];
export const SD_ENTERPRISES = [{ uscc: '91370883MA3C5Q6X1B', region: '370883' }];

const INSURERS = ['PICC', 'PINGAN', 'CPIC', 'DADI'];
/** Every kind of data standard v1 and v2: the interchange carries them all. */
const KINDS: readonly RecordKind[] = RECORD_KINDS;

/**
 * `count` canonical events spread over insurers, kinds and enterprises; every third record gets a second version
 * (a later event of the same enterprise), so per-enterprise order matters.
 */
export function interchangeEvents(
  count: number,
  o: { prefix: string; enterprises?: { uscc: string; region: string }[] },
): CanonicalEvent[] {
  const enterprises = o.enterprises ?? ZJ_ENTERPRISES;
  const out: CanonicalEvent[] = [];
  for (let i = 0; out.length < count; i++) {
    const kind = KINDS[i % KINDS.length];
    const insurer = INSURERS[i % INSURERS.length];
    const e = enterprises[i % enterprises.length];
    const subject = `${o.prefix}${kind[0].toUpperCase()}${i}`;
    const first = kind === 'policy' ? 0 : 1;
    const versions = i % 3 === 0 ? 2 : 1;
    for (let v = 0; v < versions && out.length < count; v++) {
      out.push(
        canonicalEventFixture({
          insurer,
          kind,
          subject,
          version: first + v,
          uscc: e.uscc,
          region: e.region,
        }),
      );
    }
  }
  return out;
}

const kindOf = (e: CanonicalEvent) => e.dataschema.split(':')[2] as RecordKind;

/** Writes events to the canonical store as the normaliser does, accepted at `acceptedAt`. */
export async function storeEvents(db: DataSource, events: CanonicalEvent[], acceptedAt = new Date()): Promise<void> {
  await new CanonicalStoreRepository(db).write({
    inserts: events.map((e) => ({
      eventId: e.id,
      insurer: e.insurer,
      kind: kindOf(e),
      subject: e.subject,
      version: e.sourceversion,
      type: e.type,
      uscc: e.uscc,
      region: e.region,
      sector: e.sector,
      businessTime: e.time,
      data: e.data,
      contentHash: contentHash(e),
      acceptedAt,
      batchId: null,
      recordIndex: null,
    })),
    corrections: [],
    outcomes: [],
    dlq: [],
    resolved: [],
  });
}

/** Corrections (same ids, other content) as an operator replay writes them: each gets a new, higher seq. */
export async function correctEvents(db: DataSource, revised: CanonicalEvent[]): Promise<void> {
  const rows = await db.query<{ event_id: string; content_hash: Buffer; accepted_at: Date }[]>(
    `SELECT event_id, content_hash, accepted_at FROM canonical_events WHERE event_id = ANY($1::uuid[])`,
    [revised.map((e) => e.id)],
  );
  const byId = new Map(rows.map((r) => [r.event_id, r]));
  await new CanonicalStoreRepository(db).write({
    inserts: [],
    corrections: revised.map((e) => ({
      eventId: e.id,
      insurer: e.insurer,
      kind: kindOf(e),
      subject: e.subject,
      version: e.sourceversion,
      type: e.type,
      uscc: e.uscc,
      region: e.region,
      sector: e.sector,
      businessTime: e.time,
      data: e.data,
      contentHash: contentHash(e),
      acceptedAt: byId.get(e.id)!.accepted_at,
      batchId: null,
      recordIndex: null,
      previousHash: byId.get(e.id)!.content_hash,
      replayId: 'test-replay',
    })),
    outcomes: [],
    dlq: [],
    resolved: [],
  });
}

export async function provinceEventIds(db: DataSource, province: string): Promise<{ ids: string[]; maxSeq: number }> {
  const rows = await db.query<{ event_id: string; seq: string }[]>(
    `SELECT event_id, seq FROM canonical_events WHERE substr(region, 1, 2) = $1 ORDER BY seq`,
    [province],
  );
  return { ids: rows.map((r) => r.event_id), maxSeq: rows.length ? Number(rows[rows.length - 1].seq) : 0 };
}

/** A province simulator on the run's database, in a schema of its own, and its control API. */
export class SimulatorHandle {
  service!: StartedService;
  config!: ProvinceSimulatorConfig;

  constructor(
    private readonly ns: TestNamespace,
    private readonly name: string,
  ) {}

  async start(o: { databaseUrl: string; province: string; secrets: string; hubUrl?: string }): Promise<this> {
    this.config = testConfig(ProvinceSimulatorConfig, this.ns, o.databaseUrl, {
      AJX_PROVINCE_CODE: o.province,
      AJX_PROVINCE_SIM_SECRETS: o.secrets,
      AJX_PROVINCE_SIM_SCHEMA: `psim_${this.name}_${this.ns.id.toLowerCase().replace(/[^a-z0-9]/g, '_')}`.slice(0, 63),
      AJX_PROVINCE_SIM_HUB_URL: o.hubUrl ?? '',
    });
    this.service = await startService(provinceSimulatorService, this.config);
    return this;
  }

  get url(): string {
    return this.service.url;
  }

  async control<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}/control${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async stats(): Promise<LogStats> {
    return (await this.control<LogStats>('GET', '/stats')).body;
  }

  async faults(): Promise<FaultState> {
    return (await this.control<FaultState>('GET', '/faults')).body;
  }

  async setFaults(f: Record<string, unknown>): Promise<void> {
    const res = await this.control('PUT', '/faults', f);
    if (res.status !== 200) throw new Error(`faults ${JSON.stringify(f)}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async log(): Promise<LogRow[]> {
    const rows: LogRow[] = [];
    let after = 0;
    for (;;) {
      const page = (
        await this.control<{ items: LogRow[]; next: number | null }>('GET', `/log?after=${after}&limit=5000`)
      ).body;
      rows.push(...page.items);
      if (page.next === null || page.items.length === 0) return rows;
      after = page.next;
    }
  }

  async stop(): Promise<void> {
    await this.service?.close();
  }
}

/**
 * Keeps changing a simulator's fault every `everyMs` (error 503/500, timeout, lose-ack, slow, each with probability
 * `probability`) until stopped, and counts what was injected.
 */
export class FaultRotation {
  readonly injected: Record<string, number> = {};
  private running: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly sim: SimulatorHandle,
    private readonly o: { probability: number; everyMs: number; timeoutDelayMs: number },
  ) {}

  start(): void {
    const faults = [
      { mode: 'error', statusCode: 503 },
      { mode: 'timeout', delayMs: this.o.timeoutDelayMs },
      { mode: 'lose-ack' },
      { mode: 'error', statusCode: 500 },
      { mode: 'slow', delayMs: 50 },
      { mode: 'error', statusCode: 429 },
    ];
    this.running = (async () => {
      for (let i = 0; !this.stopping; i++) {
        await this.tally();
        await this.sim.setFaults({ ...faults[i % faults.length], probability: this.o.probability });
        await new Promise((r) => setTimeout(r, this.o.everyMs));
      }
      await this.tally();
      await this.sim.setFaults({ mode: 'none' });
    })();
  }

  private async tally(): Promise<void> {
    const f = await this.sim.faults();
    const name = f.mode === 'error' ? `error ${f.statusCode}` : f.mode;
    if (f.injected) this.injected[name] = (this.injected[name] ?? 0) + f.injected;
  }

  total(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }
}
