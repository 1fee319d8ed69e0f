import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort, waitFor } from '@ajx/testing';
import { SAMPLES, TestHub, upload } from '../support/hub';

/*
 * Issue 23: the findings of a probe of the live hub, each with the test that proves it closed (docs/security.md).
 * 1. authentication does not depend on how a path is spelled (every route of the OpenAPI document, in variants);
 * 2. a DADI record with "__proto__" is a per-record reject, no upload is left on disk, upload sessions stay usable;
 * 3. large and deep JSON bodies: 401 before any parsing, 413/400 after authentication — never 500;
 * 4. throttled failed authentications are counted into one audit entry per window, valid tokens keep working;
 * 5. credentials in query strings are refused (and never logged: libs/observability credential-url.spec.ts);
 * 6. response hardening, /metrics for operators or on a port of its own;
 * 8. webhook URLs in IPv6 forms of private addresses and with NEL are refused (all forms: libs/webhooks);
 * 9. query parameter errors name the parameter.
 * (7 — reconciliation dates — is in interchange/interchange-api; 9 — another insurer's upload session answers 404
 * like an unknown one — in gateway/publish.)
 */

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with the path exactly as written (fetch would normalise `..`, `./` and case of the scheme only). */
function raw(base: string, method: string, rawPath: string, headers: Record<string, string> = {}, body?: Buffer) {
  const { hostname, port } = new URL(base);
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const SAMPLE_PARAMS: Record<string, string> = {
  insurer: 'PICC',
  id: 'ops-1',
  batchId: '00000000-0000-4000-8000-000000000001',
  uploadId: '00000000-0000-4000-8000-000000000002',
  collection: 'policies',
  subject: 'PICCAZ2024000001',
  date: '2024-06-03',
};

/** Spellings of one path that must never reach its handler unauthenticated. */
function variants(p: string): string[] {
  const segments = p.split('/').filter(Boolean);
  const out = new Set<string>([
    p,
    p.toUpperCase(),
    p.replace('/v1/', '/V1/'),
    p.replace('/v1/', '/v1//'),
    `${p}/`,
    `${p}//`,
    p.replace('/v1/', '/v1%2F'),
    p.replace(/\/([^/]+)$/, '%2F$1'),
    p.replace(/\/([^/]+)$/, '%2f$1'),
    p.replace('/v1/', '/%76%31/'),
    `${p};x=1`,
    p.replace('/v1/', '/v1;/'),
    p.replace('/v1/', '/v1/x/../'),
    p.replace('/v1/', '/v1/./'),
    `${p}/..`,
    `${p}/.`,
  ]);
  // Mixed case in each segment in turn.
  segments.forEach((s, i) => {
    const mixed = segments.map((x, j) => (j === i ? x.charAt(0).toUpperCase() + x.slice(1) : x));
    out.add(`/${mixed.join('/')}`);
  });
  return [...out];
}

describe('issue 23 — findings of the probe of the live hub', () => {
  const hub = new TestHub('probe', {
    services: ['gateway', 'normalizer'],
    gateway: { AJX_AUTH_FAILURES_PER_SECOND: 100_000, AJX_AUTH_FAILURES_BURST: 1_000_000 },
  });
  let operator: string;
  let dadi: string;
  let dept: string;

  beforeAll(async () => {
    await hub.start();
    operator = await hub.principal({ id: 'probe-ops', type: 'operator', name: '运维' });
    dadi = await hub.principal({ id: 'DADI', type: 'insurer', name: '大地' });
    dept = await hub.principal({
      id: 'probe-dept',
      type: 'department',
      name: '任城区应急管理局',
      department: { kind: 'emergency', level: 'county', regionCode: '370811' },
    });
  });
  afterAll(() => hub.stop());

  describe('1. authentication does not depend on how a path is spelled', () => {
    it('answers every route of the OpenAPI document, in every spelling, 401 or 404 — never 200, never 500', async () => {
      const doc = (await (await fetch(`${hub.url()}/docs-json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => ({
          method: m.toUpperCase(),
          path: p.replace(/\{(\w+)\}/g, (_, n: string) => SAMPLE_PARAMS[n] ?? 'x'),
        })),
      );
      expect(routes.length).toBeGreaterThan(20);
      const seen: string[] = [];
      for (const r of routes) {
        for (const v of variants(r.path)) {
          const withBody = r.method === 'POST' || r.method === 'PUT';
          const a = withBody
            ? await raw(hub.url(), r.method, v, { 'content-type': 'application/json' }, Buffer.from('{"url":"x"}'))
            : await raw(hub.url(), r.method, v);
          seen.push(`${a.status} ${r.method} ${v}`);
          // The console's sign-in is public by design (docs/console.md): a body without a user name is a 400.
          const refusals = v === '/v1/console/session' && r.method === 'POST' ? [400] : [401, 404];
          expect([
            `${r.method} ${v}`,
            refusals.includes(a.status) ? 'refused' : `answered ${a.status}: ${a.body} ${v}`,
          ]).toEqual([`${r.method} ${v}`, 'refused']);
        }
      }
      // The exact spelling reaches the guard (401 with its specific message); variants find no route at all.
      expect(seen.filter((s) => s.startsWith('401')).length).toBeGreaterThanOrEqual(routes.length - 1);
      expect(seen.length).toBeGreaterThan(routes.length * 15);
    });

    it('has a short, explicit list of routes that answer without credentials', async () => {
      const open = async (p: string) => (await raw(hub.url(), 'GET', p)).status;
      expect(await open('/health/live')).toBe(200);
      expect(await open('/health/ready')).toBe(200);
      expect(await open('/docs-json')).toBe(200);
      // Metrics are for operators on the gateway's port (AJX_METRICS_ACCESS=operator, the default).
      expect(await open('/metrics')).toBe(401);
      expect(await open('/Health/live')).toBe(404);
      expect(await open('/health/live/')).toBe(404);
    });

    it('never answers 500 to a route whose decorators need an authenticated principal', async () => {
      for (const p of ['/V1/admin/credentials', '/V1/admin/principals', '/V1/dept/feed', '/V1/ingest/PICC/uploads']) {
        const a = await raw(hub.url(), 'GET', p);
        expect([p, a.status]).toEqual([p, 404]);
      }
      // The probe's findings: the credential list and the principal directory answer only an operator.
      expect((await raw(hub.url(), 'GET', '/v1/admin/credentials')).status).toBe(401);
      expect((await raw(hub.url(), 'GET', '/v1/admin/principals')).status).toBe(401);
    });
  });

  describe('2. "__proto__" in a DADI record', () => {
    const incoming = () => fs.readdirSync(path.join(hub.dir, 'uploads', 'incoming'));
    const probeFile = (marker: string) =>
      fs
        .readFileSync(path.join(SAMPLES, 'DADI', 's2-dadi.json'), 'utf8')
        .replace('"pch": "P28458"', `"pch": "${marker}"`)
        .replace('"lx": "bd",', '"lx": "bd", "__proto__": null,');

    async function rejectsOf(batchId: string) {
      return waitFor(
        async () => {
          const r = (await (
            await fetch(`${hub.url()}/v1/ingest/batches/${batchId}`, { headers: { authorization: `Bearer ${dadi}` } })
          ).json()) as { complete: boolean; rejects: { recordIndex: number; code: string; message: string }[] };
          return r.complete ? r : undefined;
        },
        { what: 'batch report complete' },
      );
    }

    it('is a per-record MALFORMED_RECORD of that record; the upload leaves nothing in incoming/', async () => {
      const res = await upload(hub.url(), dadi, 'DADI', probeFile('PROBE-1'));
      expect(res.status).toBe(202);
      const report = await rejectsOf(res.body.batchId as string);
      expect(report.rejects).toEqual([
        expect.objectContaining({
          recordIndex: 1,
          code: 'MALFORMED_RECORD',
          message: expect.stringContaining('__proto__'),
        }),
      ]);
      expect(incoming()).toEqual([]);
    });

    it('completes through an upload session, and the session stays usable', async () => {
      const body = Buffer.from(probeFile('PROBE-2'));
      const auth = { authorization: `Bearer ${dadi}` };
      const created = await fetch(`${hub.url()}/v1/ingest/DADI/uploads`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          size: body.length,
          sha256: createHash('sha256').update(body).digest('hex'),
          contentType: 'application/json',
        }),
      });
      expect(created.status).toBe(201);
      const { uploadId } = (await created.json()) as { uploadId: string };
      const put = await fetch(`${hub.url()}/v1/ingest/uploads/${uploadId}`, {
        method: 'PUT',
        headers: { ...auth, 'content-range': `bytes 0-${body.length - 1}/${body.length}` },
        body,
      });
      expect(put.status).toBe(200);
      const done = await fetch(`${hub.url()}/v1/ingest/uploads/${uploadId}/complete`, {
        method: 'POST',
        headers: auth,
      });
      expect(done.status).toBe(202);
      const { batchId } = (await done.json()) as { batchId: string };
      expect((await rejectsOf(batchId)).rejects.map((r) => r.code)).toEqual(['MALFORMED_RECORD']);
      const status = (await (await fetch(`${hub.url()}/v1/ingest/uploads/${uploadId}`, { headers: auth })).json()) as {
        status: string;
      };
      expect(status.status).toBe('completed');
      expect(incoming()).toEqual([]);
    });
  });

  describe('3. large and deeply nested JSON bodies', () => {
    const bodies = {
      long: Buffer.from(`[${new Array(300_000).fill('0').join(',')}]`),
      deep: Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      huge: Buffer.from(`{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`),
    };
    const put = (body: Buffer, token?: string) =>
      raw(
        hub.url(),
        'PUT',
        '/v1/dept/webhook',
        { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      );

    it('answers an anonymous caller 401 without parsing the body', async () => {
      for (const body of Object.values(bodies)) expect((await put(body)).status).toBe(401);
    });

    it('answers an authenticated caller 400 or 413 with a specific code', async () => {
      const long = await put(bodies.long, dept);
      expect([long.status, JSON.parse(long.body).code]).toEqual([400, 'INVALID_REQUEST']);
      const deep = await put(bodies.deep, dept);
      expect([deep.status, JSON.parse(deep.body)]).toEqual([
        400,
        expect.objectContaining({ code: 'INVALID_JSON', message: 'the JSON body nests deeper than 32 levels' }),
      ]);
      const huge = await put(bodies.huge, dept);
      expect([huge.status, JSON.parse(huge.body).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      const broken = await put(Buffer.from('{"url":'), dept);
      expect([broken.status, JSON.parse(broken.body).code]).toEqual([400, 'INVALID_JSON']);
    });
  });

  describe('4. the failed-authentication throttle', () => {
    it('counts throttled refusals into one audit entry per window; a valid token keeps working', async () => {
      const gw = await hub.startExtraGateway({
        AJX_AUTH_FAILURES_PER_SECOND: 1,
        AJX_AUTH_FAILURES_BURST: 5,
        AJX_AUTH_THROTTLE_SUMMARY_MS: 300,
      });
      const since = new Date();
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        statuses.push(
          (await raw(gw.url, 'GET', '/v1/dept/feed', { authorization: `Bearer ajx_d_${'x'.repeat(40)}${i}` })).status,
        );
        if (i === 20) {
          // Throttled for failures, the address still serves a caller who holds a valid token.
          expect((await raw(gw.url, 'GET', '/v1/dept/feed', { authorization: `Bearer ${dept}` })).status).toBe(200);
        }
      }
      const refused = statuses.filter((s) => s === 401).length;
      const throttled = statuses.filter((s) => s === 429).length;
      expect(refused + throttled).toBe(40);
      expect(throttled).toBeGreaterThanOrEqual(30);
      const rows = await waitFor(
        async () => {
          const r = await hub.db.query<{ action: string; details: { count?: number } }[]>(
            `SELECT action, details FROM audit_entries WHERE at >= $1 AND action LIKE 'auth.refused%' ORDER BY id`,
            [since],
          );
          const summed = r
            .filter((x) => x.action === 'auth.refused.throttled')
            .reduce((n, x) => n + (x.details.count ?? 0), 0);
          return summed === throttled ? r : undefined;
        },
        { what: 'the throttled refusals summed up in the audit log' },
      );
      expect(rows.filter((r) => r.action === 'auth.refused')).toHaveLength(refused);
      // Far fewer rows than refusals: one per address per window.
      expect(rows.filter((r) => r.action === 'auth.refused.throttled').length).toBeLessThan(throttled / 3);
    });
  });

  describe('5. credentials in the query string', () => {
    it('refuses them with a specific error, before anything else', async () => {
      for (const q of ['access_token', 'token', 'api_key']) {
        const a = await raw(hub.url(), 'GET', `/v1/dept/feed?${q}=${dept}`);
        expect([q, a.status, JSON.parse(a.body).code]).toEqual([q, 400, 'CREDENTIAL_IN_URL']);
        expect(a.body).not.toContain(dept);
      }
    });
  });

  describe('6. response hardening', () => {
    it('sets nosniff, no-store and a strict CSP on every answer, and no X-Powered-By', async () => {
      const answers = [
        await raw(hub.url(), 'GET', '/v1/dept/policies', { authorization: `Bearer ${dept}` }),
        await raw(hub.url(), 'GET', '/v1/dept/policies'),
        await raw(hub.url(), 'GET', '/nothing-here'),
        await raw(hub.url(), 'GET', '/health/live'),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 401, 404, 200]);
      for (const a of answers) {
        expect(a.headers['x-content-type-options']).toBe('nosniff');
        expect(a.headers['cache-control']).toContain('no-store');
        expect(a.headers['x-powered-by']).toBeUndefined();
        const csp = a.headers['content-security-policy'] as string;
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('unsafe-inline');
      }
    });

    it('serves /metrics to operators only on the API port', async () => {
      expect((await raw(hub.url(), 'GET', '/metrics', { authorization: `Bearer ${dept}` })).status).toBe(403);
      const ok = await raw(hub.url(), 'GET', '/metrics', { authorization: `Bearer ${operator}` });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('ajx_process_cpu_user_seconds_total');
    });

    it('moves /metrics to a port of its own with AJX_METRICS_PORT', async () => {
      const port = await freePort();
      const gw = await hub.startExtraGateway({ AJX_METRICS_PORT: port });
      expect((await raw(gw.url, 'GET', '/metrics', { authorization: `Bearer ${operator}` })).status).toBe(404);
      const m = await raw(`http://127.0.0.1:${port}`, 'GET', '/metrics');
      expect(m.status).toBe(200);
      expect(m.body).toContain('service="gateway"');
    });
  });

  describe('8. webhook URLs that reach loopback or private addresses in IPv6 forms', () => {
    it('refuses them at configuration, like the plain addresses', async () => {
      const gw = await hub.startExtraGateway({ AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
      const secret = 's'.repeat(32);
      for (const url of [
        'http://[::127.0.0.1]/hook',
        'http://[::ffff:0:7f00:1]/hook',
        'http://[2002:7f00:1::]/hook',
        'http://[64:ff9b::a00:1]/hook',
        'https://dept.example.gov.cn/a\u0085b',
      ]) {
        const res = await fetch(`${gw.url}/v1/dept/webhook`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${dept}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url, secret }),
        });
        expect([url, res.status, ((await res.json()) as { code: string }).code]).toEqual([
          url,
          400,
          'INVALID_WEBHOOK_URL',
        ]);
      }
    });
  });

  describe('9. validation errors name the query parameter', () => {
    it('says which parameter is wrong, not "the request body"', async () => {
      const a = await raw(hub.url(), 'GET', '/v1/dept/hazards?limit=100000', { authorization: `Bearer ${dept}` });
      expect(a.status).toBe(400);
      expect(JSON.parse(a.body)).toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringMatching(/^invalid query parameter "limit": /),
      });
    });
  });
});
