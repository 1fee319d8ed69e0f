import { execFileSync } from 'node:child_process';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@ajx/config';
import { checkWebhookUrl } from '@ajx/webhooks';
import { NotifierConfig } from './notifier.config';
import { WebhookSender } from './webhook.sender';

/** A webhook receiver that keeps each request's body and answers 204. */
const recording = (received: string[]) => (req: http.IncomingMessage, res: http.ServerResponse) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    received.push(body);
    res.writeHead(204).end();
  });
};

/**
 * Webhooks over TLS: https endpoints whose certificate comes from a department's private CA are trusted through
 * AJX_WEBHOOK_CA_FILE (certificate and host name still verified); in production mode only https URLs are taken.
 */
describe('webhook TLS', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-webhook-tls-'));
  const f = (n: string) => path.join(dir, n);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  let server: https.Server;
  let url: string;
  const received: string[] = [];

  beforeAll(async () => {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
      '-out', 'ca.pem', '-days', '2', '-subj', '/CN=dept private CA'); // prettier-ignore
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'hook.key',
      '-out', 'hook.csr', '-subj', '/CN=127.0.0.1'); // prettier-ignore
    fs.writeFileSync(f('ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', 'hook.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
      '-extfile', 'ext', '-out', 'hook.pem'); // prettier-ignore
    server = https.createServer(
      { key: fs.readFileSync(f('hook.key')), cert: fs.readFileSync(f('hook.pem')) },
      recording(received),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const config = (env: Record<string, string>) =>
    loadConfig(NotifierConfig, {
      AJX_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      AJX_WEBHOOK_KEY_FILE: 'unused-here',
      ...env,
    });
  const send = (c: NotifierConfig) =>
    new WebhookSender().send({
      url,
      secret: 'x'.repeat(32),
      deliveryId: '00000000-0000-4000-8000-000000000001',
      body: '{"n":1}',
      timeoutMs: 5000,
      policy: c.webhookPolicy(),
      ca: c.webhookCa(),
    });

  it('delivers to an endpoint certified by the CA of AJX_WEBHOOK_CA_FILE', async () => {
    expect(await send(config({ AJX_WEBHOOK_CA_FILE: f('ca.pem') }))).toEqual({ ok: true, status: 204 });
    expect(received).toEqual(['{"n":1}']);
  });

  it('fails the attempt when the endpoint’s CA is not trusted (system CAs only)', async () => {
    const result = await send(config({}));
    expect(result).toMatchObject({ ok: false, status: null });
    expect(!result.ok && result.error).toMatch(/certificate/i);
  });

  it('takes only https URLs in production mode', () => {
    const production = config({ AJX_MODE: 'production' }).webhookPolicy();
    expect(checkWebhookUrl('http://dept.example.gov.cn/hook', production)).toEqual({
      ok: false,
      reason: 'only https URLs (this hub runs with AJX_MODE=production)',
    });
    expect(checkWebhookUrl('https://dept.example.gov.cn/hook', production).ok).toBe(true);
    expect(checkWebhookUrl('http://dept.example.gov.cn/hook', config({}).webhookPolicy()).ok).toBe(true);
  });
});

/**
 * The address a delivery connects to is checked when it is made, not only when the URL was registered: a host name
 * that resolves to a private or loopback address at delivery time (DNS rebinding) is refused before anything is
 * sent, even if it resolved to a public address when the webhook was set up.
 */
describe('webhook delivery: the resolved address is checked at delivery', () => {
  let server: http.Server;
  let port: number;
  const received: string[] = [];

  beforeAll(async () => {
    server = http.createServer(recording(received));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await new Promise((r) => server.close(r));
  });

  /** The resolver answers `addresses` for every name (what a rebinding DNS server does at delivery time). */
  const resolvingTo = (addresses: { address: string; family: number }[]) =>
    jest
      .spyOn(dns, 'lookup')
      .mockImplementation(((_host: string, _o: unknown, cb: (...a: unknown[]) => void) =>
        cb(null, addresses)) as unknown as typeof dns.lookup);
  const send = (allowPrivateNetworks: boolean) =>
    new WebhookSender().send({
      url: `http://hooks.dept.example.gov.cn:${port}/hook`,
      secret: 'x'.repeat(32),
      deliveryId: '00000000-0000-4000-8000-000000000002',
      body: '{"n":2}',
      timeoutMs: 5000,
      policy: { allowPrivateNetworks, allowedHosts: [] },
    });

  it('refuses a public host name that resolves to a loopback address, and sends nothing', async () => {
    resolvingTo([{ address: '127.0.0.1', family: 4 }]);
    const result = await send(false);
    expect(result).toMatchObject({ ok: false, status: null });
    expect(!result.ok && result.error).toMatch(/^refused: hooks\.dept\.example\.gov\.cn /);
    expect(received).toEqual([]);
  });

  it('refuses a name one of whose addresses is private, whichever comes first', async () => {
    resolvingTo([
      { address: '203.0.113.7', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ]);
    const result = await send(false);
    expect(!result.ok && result.error).toMatch(/^refused: hooks\.dept\.example\.gov\.cn /);
    expect(received).toEqual([]);
  });

  it('connects to the checked address when private networks are allowed (the control)', async () => {
    resolvingTo([{ address: '127.0.0.1', family: 4 }]);
    expect(await send(true)).toEqual({ ok: true, status: 204 });
    expect(received).toEqual(['{"n":2}']);
  });
});
