import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@ajx/config';
import { checkWebhookUrl } from '@ajx/webhooks';
import { NotifierConfig } from './notifier.config';
import { WebhookSender } from './webhook.sender';

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
      (req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push(body);
          res.writeHead(204).end();
        });
      },
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
