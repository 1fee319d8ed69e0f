import fs from 'node:fs';
import path from 'node:path';
import { startService, type StartedService, waitFor } from '@ajx/testing';
import yaml from 'js-yaml';
import { InterchangeConfig } from '../../../apps/interchange/src/interchange.config';
import { interchangeService } from '../../../apps/interchange/src/interchange.service-definition';
import { CONTENT_TYPES, getJson, sampleFiles, TestHub, upload } from '../support/hub';

/**
 * The monitoring contract: every metric the services define is in the catalogue of docs/operations.md (and nothing
 * else is), every metric the alert rules and the Grafana dashboard query is served by the real services' /metrics,
 * and the new operational metrics carry real values — consumer lag per group and partition, pool connections, the
 * last audit seal, overdue escalations, halted endpoints.
 */
const ROOT = path.resolve(__dirname, '../../..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

/** Metric names of the catalogue table (first column) in docs/operations.md. */
function catalogue(): string[] {
  const section = read('docs/operations.md').split('### Metric catalogue')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\| `(ajx_[a-z0-9_*]+)`/gm)].map((m) => m[1]);
}

/** Every `name: 'ajx_…'` given to a prom-client metric in the source. */
function definedInSource(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts'))
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/name: '(ajx_[a-z0-9_]+)'/g)) names.add(m[1]);
    }
  };
  walk(path.join(ROOT, 'apps'));
  walk(path.join(ROOT, 'libs'));
  return [...names].sort();
}

/** Metric names in PromQL expressions (histogram series mapped to their metric). */
function queried(exprs: string[]): string[] {
  const names = exprs.flatMap((e) => [...e.matchAll(/\bajx_[a-z0-9_]+/g)].map((m) => m[0]));
  return [...new Set(names.map((n) => n.replace(/_(bucket|count|sum)$/, '')))].sort();
}

const ruleExprs = (): string[] =>
  (
    yaml.load(read('deploy/prometheus/ajx-alerts.rules.yml')) as {
      groups: { rules: { expr: string }[] }[];
    }
  ).groups.flatMap((g) => g.rules.map((r) => r.expr));
const dashboardExprs = (): string[] =>
  (
    JSON.parse(read('deploy/grafana/ajx-hub-overview.json')) as { panels: { targets: { expr: string }[] }[] }
  ).panels.flatMap((p) => p.targets.map((t) => t.expr));

describe('metrics: catalogue, alert rules, dashboards against the real services', () => {
  const hub = new TestHub('metrics', {
    services: ['gateway', 'normalizer', 'router', 'notifier'],
    gateway: { AJX_METRICS_ACCESS: 'public' },
  });
  let interchange: StartedService;
  const scraped = new Map<string, string>();

  beforeAll(async () => {
    await hub.start();
    interchange = await startService(
      interchangeService,
      hub.config(InterchangeConfig, {
        AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([
          {
            id: 'metrics-sd',
            url: 'http://127.0.0.1:9',
            province: '37',
            principal: 'province-sd',
            mode: 'realtime',
            keyId: 'metrics-sd-key',
            secret: '0123456789abcdef0123456789abcdef',
          },
        ]),
        AJX_INTERCHANGE_POLL_MS: 100,
      }),
    );
    // Real traffic, so that labelled metrics have samples: one PICC file through the pipeline.
    const token = await hub.principal({ id: 'PICC', type: 'insurer', name: '人保财险' });
    const file = sampleFiles('PICC').find((f) => f.endsWith('s1-picc-policy.csv'))!;
    const res = await upload(hub.url(), token, 'PICC', fs.readFileSync(file), CONTENT_TYPES.PICC);
    expect(res.status).toBe(202);
    await waitFor(
      async () => (await getJson(`${hub.url()}/v1/ingest/batches/${String(res.body.batchId)}`, token)).body?.complete,
      { timeoutMs: 60_000, what: 'batch complete' },
    );
    const services = { gateway: hub.gateway!, normalizer: hub.normalizer!, router: hub.router!, notifier: hub.notifier!, interchange }; // prettier-ignore
    // The normaliser commits its offsets after the batch report is complete: wait until its lag reads 0.
    await waitFor(
      async () => {
        const text = await (await fetch(`${services.normalizer.url}/metrics`)).text();
        const lags = [...text.matchAll(/^ajx_kafka_consumer_lag\{[^}]*group="[^"]*ajx\.normalizer"[^}]*\} (\d+)/gm)];
        return lags.length > 0 && lags.every((m) => m[1] === '0');
      },
      { timeoutMs: 60_000, what: 'normaliser lag 0' },
    );
    // The gateway seals the audit log every 500 ms here.
    await waitFor(
      async () => /^ajx_audit_last_seal_timestamp_seconds\{service="gateway"\} [1-9]/m.test(await (await fetch(`${services.gateway.url}/metrics`)).text()),
      { timeoutMs: 30_000, what: 'a seal' },
    ); // prettier-ignore
    for (const [name, s] of Object.entries(services)) scraped.set(name, await (await fetch(`${s.url}/metrics`)).text());
  });
  afterAll(async () => {
    await interchange?.close();
    await hub.stop();
  });

  const families = (): Set<string> =>
    new Set([...scraped.values()].flatMap((t) => [...t.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1])));

  it('catalogues exactly the metrics the code defines, and the default process metrics', () => {
    const listed = catalogue();
    expect(listed.filter((n) => !n.includes('*')).sort()).toEqual(definedInSource());
    const defaults = [...families()].filter((n) => /^ajx_(process|nodejs)_/.test(n));
    expect(defaults.length).toBeGreaterThan(10);
    expect(listed).toEqual(expect.arrayContaining(['ajx_process_*', 'ajx_nodejs_*']));
  });

  it('queries in the alert rules and the dashboard only metrics the services serve', () => {
    const served = families();
    const missing = queried([...ruleExprs(), ...dashboardExprs()]).filter((n) => !served.has(n));
    expect(missing).toEqual([]);
  });

  it('exports consumer lag per group and partition', () => {
    const text = scraped.get('normalizer')!;
    const normaliser = [
      ...text.matchAll(/^ajx_kafka_consumer_lag\{group="([^"]+)",topic="([^"]+)",partition="(\d+)"[^}]*\} (\d+)/gm),
    ];
    // 4 insurers × 3 raw partitions of the test topics, all handled.
    expect(normaliser).toHaveLength(12);
    expect(new Set(normaliser.map((m) => m[1]))).toEqual(new Set([`${hub.ns.topicPrefix}ajx.normalizer`]));
    expect(normaliser.map((m) => m[4])).toEqual(new Array(12).fill('0'));
    expect(scraped.get('router')).toMatch(
      new RegExp(
        `^ajx_kafka_consumer_lag\\{group="${hub.ns.topicPrefix}ajx\\.router",topic="[^"]+ajx\\.canonical\\.v1",partition="\\d"`,
        'm',
      ),
    );
  });

  it('exports pool connections, the last audit seal, overdue escalations and halted endpoints', () => {
    for (const name of ['gateway', 'normalizer', 'router', 'notifier', 'interchange'])
      expect([name, scraped.get(name)]).toEqual([
        name,
        expect.stringMatching(/^ajx_db_pool_max\{pool="service",service="[a-z]+"\} 4$/m),
      ]);
    expect(scraped.get('gateway')).toMatch(
      /^ajx_db_pool_connections\{pool="api",state="total",service="gateway"\} \d+$/m,
    );
    const sealed = /^ajx_audit_last_seal_timestamp_seconds\{service="gateway"\} (\d+(\.\d+)?)$/m.exec(
      scraped.get('gateway')!,
    );
    expect(Number(sealed?.[1])).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(scraped.get('notifier')).toMatch(/^ajx_notifier_escalations_overdue\{service="notifier"\} 0$/m);
    expect(scraped.get('interchange')).toMatch(
      /^ajx_interchange_halted\{endpoint="metrics-sd",service="interchange"\} 0$/m,
    );
  });
});
