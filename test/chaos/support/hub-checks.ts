import type { DataSource } from 'typeorm';
import { type Check, compare, contentDigestOf, type Oracle } from './oracle';
import type { WebhookReceiver } from './webhook-receiver';

/** A feed entry of a department created during the load (its feed is compared record by record). */
export interface LateFeedEntry {
  d: string;
  e: string;
  p: string | null;
}

/**
 * Content: what each view row and feed entry holds, digested the way the oracle digests the generator's record
 * masked per department (payloads are read page by page and kept as digests only). Findings (kind `finding`) are
 * left out: the record oracle knows nothing of them. `late`: departments created during the load, whose feeds hold
 * every version from the one current at their creation (their entries are given, read in feed order).
 */
export async function contentChecks(
  db: DataSource,
  oracle: Oracle,
  late: { ids: ReadonlySet<string>; feed: readonly LateFeedEntry[] } = { ids: new Set(), feed: [] },
): Promise<Check[]> {
  const rows = <T>(sql: string, params: unknown[] = []) => db.query<T[]>(sql, params);
  const digestOf = new Map<string, string>();
  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const page = await rows<{ id: string; data: unknown }>(
      `SELECT payload_id AS id, data FROM dept_payloads WHERE payload_id > $1 ORDER BY payload_id LIMIT 5000`,
      [after],
    );
    for (const p of page) digestOf.set(p.id, contentDigestOf(p.data));
    if (page.length < 5000) break;
    after = page[page.length - 1].id;
  }
  return [
    compare(
      'department view contents (masked as the reference entitlement says)',
      oracle.viewContents(),
      (
        await rows<{ k: string; p: string }>(
          `SELECT department_id || '|' || kind || '|' || insurer || '|' || subject || '|' || event_id AS k,
                  payload_id AS p FROM dept_views WHERE kind <> 'finding'`,
        )
      ).map((r) => `${r.k}|${digestOf.get(r.p) ?? 'no payload'}`),
    ),
    compare(
      'department feed contents (each entry masked as the reference entitlement says)',
      [...oracle.feedContents(late.ids), ...oracle.lateFeedContents(late.feed)],
      [
        ...(
          await rows<{ k: string; p: string | null }>(
            `SELECT department_id || '|' || event_id AS k, payload_id AS p FROM dept_feed
             WHERE entry <> 'escalated' AND kind <> 'finding' AND NOT (department_id = ANY($1::text[]))`,
            [[...late.ids]],
          )
        ).map((r) => `${r.k}|${(r.p && digestOf.get(r.p)) ?? 'no payload'}`),
        ...late.feed.map((r) => `${r.d}|${r.e}|${(r.p && digestOf.get(r.p)) ?? 'no payload'}`),
      ],
    ),
  ];
}

/**
 * Webhooks against the oracle, not the hub's tables: each delivery id's entry is a version the department is
 * entitled to (a delivery of another department's entry to this URL fails), each version once, and the escalations
 * its tier must get. Findings delivered to a department are left out (the record oracle knows nothing of them).
 */
export function webhookOracleChecks(
  receiver: WebhookReceiver,
  oracle: Oracle,
  departments: readonly string[],
): Check[] {
  const esc = oracle.escalations();
  const rectifiedKeys = new Set(esc.rectified.map((e) => e.key));
  const rectifiedAllowed = new Set(esc.rectified.flatMap((e) => e.recipients.map((d) => `${d}|${e.key}`)));
  return departments.flatMap((d) => {
    const delivered = [...receiver.received.get(d)!.byDelivery.values()].filter((x) => x.kind !== 'finding');
    const escalated = delivered
      .filter((x) => x.entry === 'escalated')
      .map((x) => `${x.kind}|${x.insurer}|${x.subject}`);
    return [
      compare(
        `webhook ${d} against the oracle (each entitled version once, by delivery id)`,
        oracle.versionsFor(d),
        delivered
          .filter((x) => x.entry !== 'escalated')
          .map((x) => `${x.kind}|${x.insurer}|${x.subject}|${x.version}|${x.eventId}`),
      ),
      compare(
        `webhook ${d}: escalations (open urgent records once; rectified ones at most once)`,
        esc.open.filter((e) => e.recipients.includes(d)).map((e) => e.key),
        escalated.filter((k) => !rectifiedKeys.has(k) || !rectifiedAllowed.has(`${d}|${k}`)),
      ),
    ];
  });
}

/**
 * The supervision service, killed and restarted (and, on a cluster, two instances evaluating the same stream): it
 * holds every accepted version once, and each finding was opened once, never twice by two evaluations.
 */
export async function supervisionChecks(db: DataSource, oracle: Oracle): Promise<Check[]> {
  const rows = <T>(sql: string) => db.query<T[]>(sql);
  const findings = await rows<{ id: string }>(`SELECT finding_id AS id FROM supervision_findings`);
  const opened = await rows<{ id: string }>(
    `SELECT finding_id AS id FROM supervision_finding_history WHERE change = 'opened'`,
  );
  return [
    compare(
      'supervision versions (each accepted version once)',
      oracle.events.map((e) => `${e.insurer}|${e.kind}|${e.subject}|${e.version}`),
      (
        await rows<{ k: string }>(
          `SELECT insurer || '|' || kind || '|' || subject || '|' || version AS k FROM supervision_versions`,
        )
      ).map((r) => r.k),
    ),
    compare(
      'supervision findings (each opened once)',
      findings.map((f) => f.id),
      opened.map((f) => f.id),
    ),
  ];
}

/**
 * The exact comparison of the hub's state with the oracle — canonical store, department views and feeds with their
 * contents, DLQ, the province simulator's log, escalations, webhooks (against the hub's feeds and against the oracle)
 * — as the single-node chaos suite makes it (pipeline.chaos-spec.ts, which shares the content and webhook checks),
 * plus the supervision findings: each (rule, key) opened once, whichever instance of the
 * supervisor evaluated it. Findings reach department views and feeds too (kind `finding`, routed like records); the
 * record oracle knows nothing of them, so the view and feed comparisons leave them out.
 */
export async function hubChecks(o: {
  db: DataSource;
  oracle: Oracle;
  batchIds: Map<string, string>;
  receiver: WebhookReceiver;
  province: string;
  webhookDepartments: string[];
}): Promise<Check[]> {
  const { db, oracle, batchIds, receiver } = o;
  const checks: Check[] = [];
  const rows = <T>(sql: string, params: unknown[] = []) => db.query<T[]>(sql, params);
  checks.push(
    compare(
      'canonical events (each accepted version once)',
      oracle.eventIds(),
      (await rows<{ id: string }>(`SELECT event_id AS id FROM canonical_events`)).map((r) => r.id),
    ),
  );
  checks.push(
    compare(
      'canonical records (latest version once)',
      oracle.latestRecords(),
      (
        await rows<{ k: string }>(
          `SELECT kind || '|' || insurer || '|' || subject || '|' || version || '|' || event_id AS k FROM canonical_records`,
        )
      ).map((r) => r.k),
    ),
  );
  checks.push(
    compare(
      'department views (entitled departments, latest version)',
      oracle.viewRows(),
      (
        await rows<{ k: string }>(
          `SELECT department_id || '|' || kind || '|' || insurer || '|' || subject || '|' || event_id AS k FROM dept_views
           WHERE kind <> 'finding'`,
        )
      ).map((r) => r.k),
    ),
  );
  checks.push(
    compare(
      'department feeds (each version once per entitled department)',
      oracle.feedEntries(),
      (
        await rows<{ k: string }>(
          `SELECT department_id || '|' || event_id AS k FROM dept_feed WHERE entry <> 'escalated' AND kind <> 'finding'`,
        )
      ).map((r) => r.k),
    ),
  );
  checks.push(
    compare(
      'DLQ (each reject once, with its code)',
      oracle.rejects(batchIds),
      (
        await rows<{ k: string }>(
          `SELECT batch_id || '|' || record_index || '|' || code AS k FROM dlq_entries WHERE status = 'open'`,
        )
      ).map((r) => r.k),
    ),
  );
  const simLog = await rows<{ id: string }>(`SELECT event_id AS id FROM province_sim.delivery_log`);
  checks.push(
    compare(
      `province ${o.province} simulator log (each event once)`,
      oracle.provinceEvents(o.province),
      simLog.map((r) => r.id),
    ),
  );

  const esc = oracle.escalations();
  const escalatedRows = await rows<{ k: string }>(
    `SELECT department_id || '|' || kind || '|' || insurer || '|' || subject AS k FROM dept_feed WHERE entry = 'escalated'`,
  );
  const rectifiedKeys = new Set(esc.rectified.map((e) => e.key));
  const rectifiedAllowed = new Set(esc.rectified.flatMap((e) => e.recipients.map((d) => `${d}|${e.key}`)));
  checks.push(
    compare(
      'escalated entries of open urgent hazards and accidents (each later tier once)',
      esc.open.flatMap((e) => e.recipients.map((d) => `${d}|${e.key}`)),
      escalatedRows.map((r) => r.k).filter((k) => !rectifiedKeys.has(k.slice(k.indexOf('|') + 1))),
    ),
  );
  const rectifiedFound = escalatedRows.map((r) => r.k).filter((k) => rectifiedKeys.has(k.slice(k.indexOf('|') + 1)));
  checks.push(
    compare(
      'escalated entries of rectified hazards, closed accidents (at most once, right tiers)',
      rectifiedFound.filter((k) => rectifiedAllowed.has(k)),
      rectifiedFound,
    ),
  );
  const states = await rows<{ k: string; state: string }>(
    `SELECT kind || '|' || insurer || '|' || subject AS k, state FROM hazard_escalations`,
  );
  const stateOf = new Map(states.map((s) => [s.k, s.state]));
  checks.push(
    compare(
      'open urgent hazards and accidents exhausted (unacknowledged at every tier)',
      esc.open.map((e) => `${e.key}|exhausted`),
      esc.open.map((e) => `${e.key}|${stateOf.get(e.key) ?? 'none'}`),
    ),
  );

  for (const d of o.webhookDepartments) {
    const seqs = await rows<{ seq: string }>(`SELECT seq FROM dept_feed WHERE department_id = $1`, [d]);
    const got = receiver.received.get(d)!;
    const found: string[] = [];
    for (const [seq, ids] of got.bySeq) for (let i = 0; i < ids.size; i++) found.push(String(seq));
    for (let i = 0; i < got.badSignatures; i++) found.push('bad signature');
    checks.push(
      compare(
        `webhook ${d} (each feed entry, one delivery id)`,
        seqs.map((s) => s.seq),
        found,
      ),
    );
  }

  checks.push(...(await contentChecks(db, oracle)));
  checks.push(...webhookOracleChecks(receiver, oracle, o.webhookDepartments));

  checks.push(...(await supervisionChecks(db, oracle)));
  return checks;
}
