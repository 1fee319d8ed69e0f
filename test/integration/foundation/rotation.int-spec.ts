import fs from 'node:fs';
import path from 'node:path';
import { AuditLog, AuditRepository, AuditSealer, AuditSigner, AuditVerifier } from '@ajx/audit';
import { requestTargetPayload, signRequest } from '@ajx/interchange-protocol';
import { TestHub } from '../support/hub';
import { runCli } from '../support/kafka-users';

/**
 * Rotation without downtime, as docs/operations.md ("Rotation") describes it: an interchange endpoint accepts the
 * province's requests under its key and the keys of the overlap (each until its `until`); the audit chain stays
 * verifiable across a signing-key change with the keyring of every key that signed; a principal is disabled and
 * enabled again with `ajx principals`.
 */
const SECRET = (c: string) => `${c}-rotation-secret-0123456789abcdefghij`;
const NEW = { keyId: 'rot-2026', secret: SECRET('new') };
const OLD = { keyId: 'rot-2025', secret: SECRET('old') };
const RETIRED = { keyId: 'rot-2024', secret: SECRET('retired') };

describe('rotation of keys and principals', () => {
  const hub = new TestHub('rotation', {
    services: ['gateway'],
    gateway: {
      AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([
        {
          id: 'rot',
          url: 'http://127.0.0.1:9',
          province: '33',
          principal: 'rot-zj',
          mode: 'off',
          ...NEW,
          acceptKeys: [
            { ...OLD, until: new Date(Date.now() + 86_400_000).toISOString() },
            { ...RETIRED, until: '2024-12-31T00:00:00+08:00' },
          ],
        },
      ]),
    },
  });
  beforeAll(async () => {
    await hub.start();
    await hub.principal({ id: 'rot-zj', type: 'province', name: '浙江省安责险信息系统', regionCode: '330000' });
  });
  afterAll(() => hub.stop());

  const env = () => ({ AJX_DATABASE_URL: hub.databaseUrl, AJX_LOG_LEVEL: 'warn' });
  const signedPull = async (key: { keyId: string; secret: string }) => {
    const target = '/v1/interchange/events?limit=1';
    const res = await fetch(`${hub.url()}${target}`, {
      headers: signRequest(key, requestTargetPayload('GET', target)),
    });
    return { status: res.status, body: (await res.json()) as { code?: string; message?: string } };
  };

  it('accepts the endpoint key and the overlap key, refuses a key past its until and an unknown key', async () => {
    expect((await signedPull(NEW)).status).toBe(200);
    expect((await signedPull(OLD)).status).toBe(200);
    expect(await signedPull(RETIRED)).toEqual({
      status: 401,
      body: expect.objectContaining({ code: 'UNKNOWN_KEY', message: expect.stringContaining('was accepted until') }),
    });
    expect((await signedPull({ keyId: 'rot-other', secret: SECRET('other') })).body.code).toBe('UNKNOWN_KEY');
  });

  it('verifies an audit chain signed by two keys with the keyring of both, and names a key missing from it', async () => {
    const repo = new AuditRepository(hub.db);
    const log = new AuditLog(repo);
    const sealer = new AuditSealer(repo);
    const before = AuditSigner.generatePem();
    const after = AuditSigner.generatePem();
    const keyring = path.join(hub.dir, 'keyring');
    fs.mkdirSync(keyring);
    fs.writeFileSync(path.join(keyring, 'audit-2025.pem.pub'), before.publicKeyPem);
    fs.writeFileSync(path.join(keyring, 'audit-2026.pem.pub'), after.publicKeyPem);
    await log.record({ actor: 'test', action: 'rotation.before', target: 'x', outcome: 'ok', details: {} });
    await sealer.sealAll(AuditSigner.fromPem(before.privateKeyPem));
    await log.record({ actor: 'test', action: 'rotation.after', target: 'x', outcome: 'ok', details: {} });
    await sealer.sealAll(AuditSigner.fromPem(after.privateKeyPem));

    const newKeyOnly = await new AuditVerifier(repo).verify(AuditSigner.fromPem(after.privateKeyPem).verifier());
    expect(newKeyOnly.ok).toBe(false);
    expect(newKeyOnly.problems.map((p) => p.kind)).toContain('bad-signature');

    const cli = runCli(['audit', 'verify', '--keyring', keyring], env());
    expect([cli.status, cli.stderr]).toEqual([0, expect.stringContaining('audit chain intact')]);
    const oneKey = runCli(['audit', 'verify', '--key', path.join(keyring, 'audit-2026.pem.pub')], env());
    expect([oneKey.status, oneKey.stderr]).toEqual([1, expect.stringContaining('signed with unknown key')]);
  });

  it('disables and enables a principal with ajx principals: its tokens are refused meanwhile, then work again', async () => {
    const token = await hub.principal({ id: 'rot-operator', type: 'operator', name: '运维' });
    const call = async () => (await fetch(`${hub.url()}/v1/admin/principals`, { headers: { authorization: `Bearer ${token}` } })).status; // prettier-ignore
    expect(await call()).toBe(200);
    const disabled = runCli(['principals', 'disable', 'rot-operator'], env());
    expect(disabled.status).toBe(0);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ id: 'rot-operator', disabledAt: expect.any(String) });
    expect(await call()).toBe(401);
    expect(runCli(['principals', 'enable', 'rot-operator'], env()).status).toBe(0);
    expect(await call()).toBe(200);
    expect(runCli(['principals', 'disable', 'nobody-here'], env())).toMatchObject({ status: 2 });
    const audited = await hub.db.query<{ action: string }[]>(
      `SELECT action FROM audit_entries WHERE target = 'rot-operator' AND action LIKE 'principal.%' ORDER BY id`,
    );
    expect(audited.map((a) => a.action)).toEqual(['principal.register', 'principal.disable', 'principal.enable']);
  });
});
