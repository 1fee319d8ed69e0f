import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeptProjectionWriter, type ViewChange } from '@ajx/dept-store';
import { waitFor } from '@ajx/testing';
import { verifyWebhookSignature, WebhookHeaders } from '@ajx/webhooks';
import Redis from 'ioredis';
import { getJson, TestHub } from '../support/hub';

/*
 * Issue 8, webhooks on the real stack: a receiver that fails, times out and recovers gets every delivery once (one
 * accepted answer per entry), in order (urgent ahead), signed; deliveries survive a notifier restart with Redis
 * flushed (PostgreSQL holds the outbox); a delivery that keeps failing is dead after the bounded number of attempts,
 * visible to the department and operators, audited, and the endpoint moves on.
 */

type Mode = 'ok' | 'fail' | 'hang';

interface Received {
  deliveryId: string;
  seq: number;
  subject: string;
  urgent: boolean;
  signed: boolean;
  mode: Mode;
}

/** A department's webhook receiver whose answers follow a script (then `fallback`). */
class Receiver {
  readonly requests: Received[] = [];
  script: Mode[] = [];
  fallback: Mode = 'ok';
  private server!: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();

  constructor(private readonly secret: string) {}

  get accepted(): Received[] {
    return this.requests.filter((r) => r.mode === 'ok');
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const check = verifyWebhookSignature(
          this.secret,
          {
            timestamp: req.headers[WebhookHeaders.timestamp] as string | undefined,
            signature: req.headers[WebhookHeaders.signature] as string | undefined,
          },
          body,
        );
        const parsed = JSON.parse(body.toString()) as {
          deliveryId: string;
          entry: { seq: number; subject: string; urgent: boolean };
        };
        const mode = this.script.shift() ?? this.fallback;
        this.requests.push({
          deliveryId: req.headers[WebhookHeaders.id] as string,
          seq: parsed.entry.seq,
          subject: parsed.entry.subject,
          urgent: parsed.entry.urgent,
          signed: check.ok && parsed.deliveryId === req.headers[WebhookHeaders.id],
          mode: check.ok ? mode : 'fail',
        });
        if (!check.ok) return void res.writeHead(401).end();
        if (mode === 'ok') return void res.writeHead(204).end();
        if (mode === 'fail') return void res.writeHead(503).end('down');
        this.hanging.add(res); // never answered: the notifier's timeout fails the attempt
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/ajx?token=abc`;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

function change(departmentId: string, subject: string, urgent = false): ViewChange {
  return {
    departmentId,
    entry: 'new',
    urgent,
    kind: 'hazard',
    insurer: 'PICC',
    subject,
    version: 1,
    eventId: randomUUID(),
    data: { hazardId: subject },
    action: 'reported',
    uscc: '91330106MA2B0X2K4A',
    region: '330102',
    sector: 'construction',
    status: 'open',
    level: urgent ? 'major' : 'general',
    businessTime: '2026-03-02T08:00:00+08:00',
    acceptedAt: new Date(),
  };
}

describe('department webhooks', () => {
  const MAX_ATTEMPTS = 4;
  const hub = new TestHub('webhooks', {
    services: ['gateway', 'notifier'],
    notifier: {
      AJX_WEBHOOK_MAX_ATTEMPTS: MAX_ATTEMPTS,
      AJX_WEBHOOK_BACKOFF_BASE_MS: 40,
      AJX_WEBHOOK_BACKOFF_MAX_MS: 300,
      AJX_WEBHOOK_TIMEOUT_MS: 400,
    },
  });
  const secret = 'whsec-0123456789abcdef0123456789';
  const receiver = new Receiver(secret);
  let url: string;
  let token: string;
  let ops: string;
  let writer: DeptProjectionWriter;

  const call = async (method: string, path: string, body?: unknown, as = token) => {
    const res = await fetch(`${hub.url()}${path}`, {
      method,
      headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    await hub.start();
    url = await receiver.start();
    token = await hub.principal({
      id: 'wh-dept',
      type: 'department',
      name: 'wh-dept',
      department: { kind: 'emergency', level: 'county', regionCode: '330102' },
    });
    ops = await hub.principal({ id: 'wh-ops', type: 'operator', name: 'wh-ops' });
    writer = new DeptProjectionWriter(hub.db);
  });
  afterAll(async () => {
    await hub.stop();
    await receiver.stop();
  });

  it('validates the endpoint and never returns the secret', async () => {
    for (const [u, s] of [
      ['ftp://127.0.0.1/x', secret],
      ['http://user:pw@127.0.0.1/x', secret],
      ['http://127.0.0.1/x\r\nX-Evil: 1', secret],
      [url, 'short'],
      [url, 'has spaces in it but long enough to pass'],
    ]) {
      const r = await call('PUT', '/v1/dept/webhook', { url: u, secret: s });
      expect({ u, status: r.status }).toEqual({ u, status: 400 });
    }
    expect((await call('GET', '/v1/dept/webhook')).status).toBe(404);
    const put = await call('PUT', '/v1/dept/webhook', { url, secret });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ url, counts: { pending: 0, delivered: 0, dead: 0 }, inFlight: null });
    expect(JSON.stringify(put.body)).not.toContain(secret);
    const audit = await hub.db.query<{ details: { url: string } }[]>(
      `SELECT details FROM audit_entries WHERE action = 'webhook.configure' AND outcome = 'ok'`,
    );
    expect(audit.map((a) => a.details.url)).toEqual([url.replace('?token=abc', '')]);
  });

  it('delivers every entry once, in order (urgent ahead), signed, through failures and timeouts', async () => {
    // The first delivery fails twice and times out once before it gets through; a later one fails once, times out
    // once.
    receiver.script = ['fail', 'fail', 'hang', 'ok', 'ok', 'ok', 'fail', 'hang'];
    const subjects = Array.from({ length: 12 }, (_, i) => `H${i + 1}`);
    const urgent = new Set(['H5', 'H9']);
    await writer.apply(
      subjects.map((s) => change('wh-dept', s, urgent.has(s))),
      [],
    );
    await waitFor(() => receiver.accepted.length >= 12 || undefined, {
      what: '12 accepted deliveries',
      timeoutMs: 30000,
    });
    const accepted = receiver.accepted;
    expect(accepted.map((r) => r.subject)).toEqual([
      'H5',
      'H9',
      'H1',
      'H2',
      'H3',
      'H4',
      'H6',
      'H7',
      'H8',
      'H10',
      'H11',
      'H12',
    ]);
    expect(new Set(accepted.map((r) => r.deliveryId)).size).toBe(12);
    expect(receiver.requests.every((r) => r.signed)).toBe(true);
    // Retries reuse the delivery id (receivers de-duplicate by it); one in flight: no other entry interleaved.
    const first = receiver.requests.slice(0, 4);
    expect(first.map((r) => [r.subject, r.mode])).toEqual([
      ['H5', 'fail'],
      ['H5', 'fail'],
      ['H5', 'hang'],
      ['H5', 'ok'],
    ]);
    expect(new Set(first.map((r) => r.deliveryId)).size).toBe(1);
    await waitFor(async () => {
      const w = await call('GET', '/v1/dept/webhook');
      return (w.body.counts.delivered === 12 && w.body.inFlight === null) || undefined;
    });
    const deliveries = await call('GET', '/v1/dept/webhook/deliveries?state=delivered&limit=3');
    expect(deliveries.body.items.map((d: { seq: number }) => d.seq)).toEqual([12, 11, 10]);
  }, 60000);

  it('keeps deliveries in PostgreSQL: a notifier restart with Redis flushed delays but loses nothing', async () => {
    const before = receiver.accepted.length;
    await hub.stopNotifier();
    await writer.apply([change('wh-dept', 'R1'), change('wh-dept', 'R2', true), change('wh-dept', 'R3')], []);
    const redis = new Redis(hub.notifierConfig().AJX_REDIS_URL);
    try {
      const keys = await redis.keys(`${hub.ns.redisPrefix}*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.accepted.length).toBe(before);
    await hub.startNotifier();
    await waitFor(() => receiver.accepted.length >= before + 3 || undefined, { what: '3 more deliveries' });
    expect(receiver.accepted.slice(before).map((r) => r.subject)).toEqual(['R2', 'R1', 'R3']);
  }, 60000);

  it('gives up after the bounded attempts: dead, visible, audited, and the endpoint moves on', async () => {
    const before = receiver.accepted.length;
    receiver.script = Array<Mode>(MAX_ATTEMPTS).fill('fail');
    await writer.apply([change('wh-dept', 'X1')], []);
    await writer.apply([change('wh-dept', 'X2')], []);
    await waitFor(() => receiver.accepted.length >= before + 1 || undefined, { what: 'the entry after the dead one' });
    expect(receiver.accepted.slice(before).map((r) => r.subject)).toEqual(['X2']);
    expect(receiver.requests.filter((r) => r.subject === 'X1')).toHaveLength(MAX_ATTEMPTS);

    const dead = await call('GET', '/v1/dept/webhook/deliveries?state=dead');
    expect(dead.status).toBe(200);
    expect(dead.body.items).toHaveLength(1);
    expect(dead.body.items[0]).toMatchObject({ state: 'dead', attempts: MAX_ATTEMPTS, lastStatus: 503 });
    const x1 = (await getJson(`${hub.url()}/v1/dept/feed?after=${dead.body.items[0].cursor}&limit=1`, token)).body;
    expect(x1.items[0].subject).toBe('X2');

    const opsView = await call('GET', '/v1/admin/webhooks/deliveries?state=dead', undefined, ops);
    expect(opsView.body.items.map((d: { department: string }) => d.department)).toEqual(['wh-dept']);
    const endpoints = await call('GET', '/v1/admin/webhooks', undefined, ops);
    expect(endpoints.body).toEqual([
      expect.objectContaining({ department: 'wh-dept', counts: { pending: 0, delivered: 16, dead: 1 } }),
    ]);
    expect(JSON.stringify(endpoints.body)).not.toContain(secret);
    expect((await call('GET', '/v1/admin/webhooks', undefined, token)).status).toBe(403);
    const audited = await hub.db.query(`SELECT target FROM audit_entries WHERE action = 'webhook.dead'`);
    expect(audited).toEqual([{ target: 'wh-dept' }]);
  }, 60000);

  it('removes the endpoint', async () => {
    expect((await call('DELETE', '/v1/dept/webhook')).status).toBe(204);
    expect((await call('GET', '/v1/dept/webhook')).status).toBe(404);
    expect((await call('DELETE', '/v1/dept/webhook')).status).toBe(404);
  });
});
