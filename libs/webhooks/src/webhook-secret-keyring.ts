import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Webhook secrets at rest (ADR 0009): AES-256-GCM with a key kept outside the database (a key file,
 * AJX_WEBHOOK_KEY_FILE, like the audit signing key), the key id stored next to each sealed secret, the department
 * id bound in as additional data (a secret copied to another department's row does not open).
 *
 * Key file: one key per line, `<key id> <base64 of 32 bytes>`; `#` starts a comment; the LAST key is the current
 * one (new secrets are sealed with it), the others only open secrets sealed before a rotation.
 */
export interface SealedSecret {
  keyId: string;
  /** iv (12 bytes) ‖ GCM tag (16 bytes) ‖ ciphertext. */
  sealed: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function webhookKeyId(key: Buffer): string {
  return createHash('sha256').update('ajx-webhook-key:').update(key).digest('hex').slice(0, 16);
}

function aad(departmentId: string): Buffer {
  return Buffer.from(`ajx-webhook-secret:v1:${departmentId}`, 'utf8');
}

export class WebhookKeyring {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    readonly currentKeyId: string,
  ) {}

  static of(keys: Buffer[]): WebhookKeyring {
    if (keys.length === 0) throw new Error('a webhook keyring needs at least one key');
    const map = new Map<string, Buffer>();
    for (const k of keys) {
      if (k.length !== 32) throw new Error('a webhook key is 32 bytes (AES-256)');
      map.set(webhookKeyId(k), k);
    }
    return new WebhookKeyring(map, webhookKeyId(keys[keys.length - 1]));
  }

  /** Parses a key file's text; every problem names its line. */
  static parse(text: string, source = 'webhook key file'): WebhookKeyring {
    const keys: Buffer[] = [];
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/#.*$/, '').trim();
      if (!line) return;
      const m = /^([0-9a-f]{16})\s+([A-Za-z0-9+/]{43}=)$/.exec(line);
      if (!m) throw new Error(`${source} line ${i + 1}: expected "<key id> <base64 of 32 bytes>"`);
      const key = Buffer.from(m[2], 'base64');
      if (key.length !== 32 || webhookKeyId(key) !== m[1])
        throw new Error(`${source} line ${i + 1}: the key id does not match the key`);
      keys.push(key);
    });
    if (keys.length === 0) throw new Error(`${source} holds no key (create one with: ajx keys generate --out <file>)`);
    return WebhookKeyring.of(keys);
  }

  static generateKey(): Buffer {
    return randomBytes(32);
  }

  static line(key: Buffer): string {
    return `${webhookKeyId(key)} ${key.toString('base64')}`;
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  seal(departmentId: string, secret: string): SealedSecret {
    const key = this.keys.get(this.currentKeyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(departmentId));
    const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, sealed: Buffer.concat([iv, cipher.getAuthTag(), ct]) };
  }

  /** Opens a sealed secret; throws when its key is unknown or the bytes (or the department) do not match. */
  open(departmentId: string, s: SealedSecret): string {
    const key = this.keys.get(s.keyId);
    if (!key) throw new Error(`webhook secret of ${departmentId} is sealed with key ${s.keyId}, not in the keyring`);
    if (s.sealed.length < IV_BYTES + TAG_BYTES) throw new Error(`webhook secret of ${departmentId} is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, s.sealed.subarray(0, IV_BYTES));
    decipher.setAAD(aad(departmentId));
    decipher.setAuthTag(s.sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(s.sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new Error(`webhook secret of ${departmentId} does not open with key ${s.keyId} (tampered or moved)`);
    }
  }
}

/**
 * The keyring of a key file, read again when the file changes (after `ajx keys rotate`, running gateways seal with
 * the new key and notifiers open secrets re-encrypted with it, without a restart).
 */
export class WebhookKeyFile {
  private ring: WebhookKeyring;
  private stamp: string;

  constructor(readonly file: string) {
    this.stamp = this.statStamp();
    this.ring = WebhookKeyFile.read(file);
  }

  static read(file: string): WebhookKeyring {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(
        `AJX_WEBHOOK_KEY_FILE ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    return WebhookKeyring.parse(text, `AJX_WEBHOOK_KEY_FILE ${file}`);
  }

  /** Writes a keyring file atomically (mode 0600). */
  static write(file: string, keys: Buffer[]): void {
    const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
    const text =
      '# AJX Hub webhook secret keys (AES-256-GCM): <key id> <base64 key>; the last one is current\n' +
      keys.map((k) => `${WebhookKeyring.line(k)}\n`).join('');
    fs.writeFileSync(tmp, text, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }

  /** The raw keys of a file, in order (for rotation); a broken file throws like `read`. */
  static keysOf(file: string): Buffer[] {
    WebhookKeyFile.read(file);
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter(Boolean)
      .map((l) => Buffer.from(l.split(/\s+/)[1], 'base64'));
  }

  private statStamp(): string {
    try {
      const st = fs.statSync(this.file);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return '';
    }
  }

  /** The current keyring, re-read if the file changed since (a broken new file keeps the old keyring). */
  keyring(): WebhookKeyring {
    const stamp = this.statStamp();
    if (stamp !== this.stamp) {
      this.stamp = stamp;
      try {
        this.ring = WebhookKeyFile.read(this.file);
      } catch {
        // keep serving with the keys we have; the next change of the file is read again
      }
    }
    return this.ring;
  }

  seal(departmentId: string, secret: string): SealedSecret {
    return this.keyring().seal(departmentId, secret);
  }

  open(departmentId: string, s: SealedSecret): string {
    return this.keyring().open(departmentId, s);
  }
}
