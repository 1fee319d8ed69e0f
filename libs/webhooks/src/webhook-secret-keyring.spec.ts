import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebhookKeyFile, WebhookKeyring, webhookKeyId } from './webhook-secret-keyring';

describe('webhook secret keyring (AES-256-GCM at rest)', () => {
  const k1 = Buffer.alloc(32, 1);
  const k2 = Buffer.alloc(32, 2);
  const secret = 'whsec-0123456789abcdef0123456789';

  it('seals with the current (last) key and opens with any key of the ring', () => {
    const old = WebhookKeyring.of([k1]);
    const ring = WebhookKeyring.of([k1, k2]);
    expect(ring.currentKeyId).toBe(webhookKeyId(k2));
    const sealedOld = old.seal('dept-a', secret);
    const sealedNew = ring.seal('dept-a', secret);
    expect(sealedOld.keyId).toBe(webhookKeyId(k1));
    expect(sealedNew.keyId).toBe(webhookKeyId(k2));
    expect(sealedNew.sealed.includes(Buffer.from(secret))).toBe(false);
    expect(ring.open('dept-a', sealedOld)).toBe(secret);
    expect(ring.open('dept-a', sealedNew)).toBe(secret);
    // A fresh IV each time: the same secret never gives the same bytes.
    expect(ring.seal('dept-a', secret).sealed.equals(sealedNew.sealed)).toBe(false);
  });

  it('refuses a secret moved to another department, tampered bytes, a truncated value and an unknown key', () => {
    const ring = WebhookKeyring.of([k1]);
    const s = ring.seal('dept-a', secret);
    expect(() => ring.open('dept-b', s)).toThrow(/does not open/);
    const tampered = Buffer.from(s.sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => ring.open('dept-a', { ...s, sealed: tampered })).toThrow(/does not open/);
    expect(() => ring.open('dept-a', { ...s, sealed: s.sealed.subarray(0, 20) })).toThrow(/truncated/);
    expect(() => WebhookKeyring.of([k2]).open('dept-a', s)).toThrow(/not in the keyring/);
  });

  it('parses key files strictly, naming the line', () => {
    expect(WebhookKeyring.parse(`# c\n${WebhookKeyring.line(k1)}\n\n${WebhookKeyring.line(k2)}\n`).keyIds).toEqual([
      webhookKeyId(k1),
      webhookKeyId(k2),
    ]);
    expect(() => WebhookKeyring.parse('')).toThrow(/holds no key/);
    expect(() => WebhookKeyring.parse('abc def')).toThrow(/line 1/);
    const wrongId = `${webhookKeyId(k2)} ${k1.toString('base64')}`;
    expect(() => WebhookKeyring.parse(`\n${wrongId}`)).toThrow(/line 2: the key id does not match/);
    expect(() => WebhookKeyring.of([Buffer.alloc(16)])).toThrow(/32 bytes/);
  });

  it('reads the key file again when it changes (rotation without a restart), keeping the old ring on a broken file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-wk-'));
    const file = path.join(dir, 'keys');
    try {
      WebhookKeyFile.write(file, [k1]);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const keys = new WebhookKeyFile(file);
      const sealed = keys.seal('d', secret);
      WebhookKeyFile.write(file, [k1, k2]);
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
      expect(keys.keyring().currentKeyId).toBe(webhookKeyId(k2));
      expect(keys.open('d', sealed)).toBe(secret);
      fs.writeFileSync(file, 'garbage');
      expect(keys.keyring().currentKeyId).toBe(webhookKeyId(k2));
      expect(() => WebhookKeyFile.keysOf(file)).toThrow(/line 1/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
