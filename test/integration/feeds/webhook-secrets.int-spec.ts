import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CommonConfig } from '@ajx/config';
import { DeptProjectionWriter, type ViewChange } from '@ajx/dept-store';
import { envOf, waitFor } from '@ajx/testing';
import { verifyWebhookSignature, WebhookHeaders, WebhookKeyFile, WebhookKeyring } from '@ajx/webhooks';
import { TestHub } from '../support/hub';
import { runCli } from '../support/kafka-users';

/*
 * Issue 21 item 2 (webhook secrets at rest) and item 9 (webhook isolation): two departments with webhooks receive
 * only their own entries, each signed with its own secret; a dump of the database holds neither secret in any
 * encoding; `ajx keys rotate` re-encrypts every secret (and one left in plain text by an older release) with a new
 * key while the notifier keeps delivering, and `--retire` leaves only the new key.
 */

interface Got {
  department: string;
  subject: string;
  deliveryId: string;
  signedBy: string | null;
}

/** One receiver for both departments (paths /a and /b): records which secret verifies each request. */
class Receiver {
  readonly got: Got[] = [];
  private server!: http.Server;
  constructor(private readonly secrets: Record<string, string>) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const headers = {
          timestamp: req.headers[WebhookHeaders.timestamp] as string | undefined,
          signature: req.headers[WebhookHeaders.signature] as string | undefined,
        };
        const signedBy =
          Object.entries(this.secrets).find(([, s]) => verifyWebhookSignature(s, headers, body).ok)?.[0] ?? null;
        const parsed = JSON.parse(body.toString()) as { department: string; entry: { subject: string } };
        this.got.push({
          department: `${req.url}:${parsed.department}`,
          subject: parsed.entry.subject,
          deliveryId: req.headers[WebhookHeaders.id] as string,
          signedBy,
        });
        res.writeHead(signedBy ? 204 : 401).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

function change(departmentId: string, subject: string): ViewChange {
  return {
    departmentId,
    entry: 'new',
    urgent: false,
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
    level: 'general',
    businessTime: '2026-03-02T08:00:00+08:00',
    acceptedAt: new Date(),
  };
}

/** Every form a leaked secret could take in a dump: as text, hex, base64 and PostgreSQL's bytea escape. */
function leakForms(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  return [secret, b.toString('hex'), b.toString('base64'), b.toString('base64').slice(0, 24)];
}

describe('webhook secrets at rest and webhook isolation', () => {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'ajx-webhook-keys-'));
  const keyFile = path.join(dir, 'webhook-keys');
  WebhookKeyFile.write(keyFile, [WebhookKeyring.generateKey()]);
  const hub = new TestHub('whsecrets', {
    services: ['gateway', 'notifier'],
    gateway: { AJX_WEBHOOK_KEY_FILE: keyFile },
    notifier: { AJX_WEBHOOK_KEY_FILE: keyFile, AJX_WEBHOOK_BACKOFF_BASE_MS: 40, AJX_WEBHOOK_BACKOFF_MAX_MS: 200 },
  });
  const secrets = { A: 'whsec-A-0123456789abcdef0123456789', B: 'whsec-B-fedcba9876543210fedcba9876' };
  const receiver = new Receiver(secrets);
  const tokens: Record<string, string> = {};
  let base: string;
  let writer: DeptProjectionWriter;
  let env: Record<string, string>;

  const put = (who: 'A' | 'B', body: unknown) =>
    fetch(`${hub.url()}/v1/dept/webhook`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const dump = () =>
    execFileSync('pg_dump', ['--data-only', '--inserts', hub.databaseUrl], { maxBuffer: 512 * 1024 * 1024 }).toString(
      'latin1',
    );
  const received = (dept: string) => receiver.got.filter((g) => g.department.endsWith(`:${dept}`));

  beforeAll(async () => {
    await hub.start();
    base = await receiver.start();
    for (const who of ['A', 'B'] as const) {
      tokens[who] = await hub.principal({
        id: `whs-${who}`,
        type: 'department',
        name: `whs-${who}`,
        department: { kind: 'emergency', level: 'county', regionCode: who === 'A' ? '330102' : '330106' },
      });
    }
    writer = new DeptProjectionWriter(hub.db);
    env = { ...envOf(hub.config(CommonConfig)), AJX_WEBHOOK_KEY_FILE: keyFile };
  });
  afterAll(async () => {
    await hub.stop();
    await receiver.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps secrets sealed: never answered, not in a database dump; each department gets only its own entries', async () => {
    for (const who of ['A', 'B'] as const) {
      const res = await put(who, { url: `${base}/${who.toLowerCase()}`, secret: secrets[who] });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(secrets[who]);
    }
    const rows = await hub.db.query<{ department_id: string; secret: string | null; secret_key_id: string }[]>(
      `SELECT department_id, secret, secret_key_id FROM dept_webhooks ORDER BY department_id`,
    );
    const ring = WebhookKeyFile.read(keyFile);
    expect(rows).toEqual([
      { department_id: 'whs-A', secret: null, secret_key_id: ring.currentKeyId },
      { department_id: 'whs-B', secret: null, secret_key_id: ring.currentKeyId },
    ]);
    const text = dump();
    expect(text).toContain('whs-A'); // the dump is real and holds the endpoints
    for (const s of Object.values(secrets)) for (const form of leakForms(s)) expect(text).not.toContain(form);

    // Isolation: interleaved entries of both departments; each URL receives only its department's, signed with
    // its secret, every entry exactly once.
    await writer.apply(
      Array.from({ length: 10 }, (_, i) => change(i % 2 ? 'whs-B' : 'whs-A', `${i % 2 ? 'B' : 'A'}${i}`)),
      [],
    );
    await waitFor(() => (receiver.got.length >= 10 ? true : undefined), { what: '10 deliveries', timeoutMs: 20000 });
    for (const who of ['A', 'B'] as const) {
      const mine = received(`whs-${who}`);
      expect(mine.every((g) => g.department === `/${who.toLowerCase()}:whs-${who}`)).toBe(true);
      expect(mine.every((g) => g.signedBy === who)).toBe(true);
      expect(mine.map((g) => g.subject).sort()).toEqual(
        [0, 2, 4, 6, 8].map((n) => `${who}${who === 'A' ? n : n + 1}`).sort(),
      );
    }
    expect(receiver.got).toHaveLength(10);
  });

  it('`ajx keys rotate` re-encrypts every secret (a plain one from an older release too); delivery goes on', async () => {
    const before = WebhookKeyFile.read(keyFile).currentKeyId;
    // A row as an older release wrote it (plain text), for a third department.
    await hub.principal({
      id: 'whs-C',
      type: 'department',
      name: 'whs-C',
      department: { kind: 'emergency', level: 'county', regionCode: '330105' },
    });
    await hub.db.query(
      `INSERT INTO dept_webhooks (department_id, url, secret, cursor) VALUES ('whs-C', $1, 'whsec-C-legacy-plain-0123456789', 0)`,
      [`${base}/c`],
    );
    const rotated = runCli(['keys', 'rotate', '--key-file', keyFile], env);
    expect(rotated.stderr).toContain('re-encrypted');
    expect(rotated.status).toBe(0);
    const out = JSON.parse(rotated.stdout) as { keyId: string; resealed: number; usage: Record<string, number> };
    expect(out.keyId).not.toBe(before);
    expect(out).toMatchObject({ resealed: 3, usage: { [out.keyId]: 3 } });
    expect(WebhookKeyFile.read(keyFile).keyIds).toEqual([before, out.keyId]);
    const plain = await hub.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM dept_webhooks WHERE secret IS NOT NULL`,
    );
    expect(plain[0].n).toBe('0');
    const text = dump();
    for (const s of [...Object.values(secrets), 'whsec-C-legacy-plain-0123456789'])
      for (const form of leakForms(s)) expect(text).not.toContain(form);

    // The running notifier reads the changed key file and still signs with each department's own secret.
    const retired = runCli(['keys', 'rotate', '--key-file', keyFile, '--retire'], env);
    expect(retired.status).toBe(0);
    const last = JSON.parse(retired.stdout) as { keyId: string; retired: string[] };
    expect(last.retired.sort()).toEqual([before, out.keyId].sort());
    expect(WebhookKeyFile.read(keyFile).keyIds).toEqual([last.keyId]);
    const n = receiver.got.length;
    await writer.apply([change('whs-A', 'A-after'), change('whs-B', 'B-after')], []);
    await waitFor(() => (receiver.got.length >= n + 2 ? true : undefined), {
      what: 'deliveries after rotation',
      timeoutMs: 20000,
    });
    const after = receiver.got.slice(n);
    expect(after.map((g) => [g.subject, g.signedBy]).sort()).toEqual([
      ['A-after', 'A'],
      ['B-after', 'B'],
    ]);
    const audit = await hub.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM audit_entries WHERE action = 'keys.rotate' AND outcome = 'ok'`,
    );
    expect(audit[0].n).toBe('2');
  });
});
