import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog, AuditRepository, AuditSealer, AuditSigner, AuditVerifier, readAnchor } from '@ajx/audit';
import { createTestDatabase, testDataSource } from '@ajx/testing';
import type { DataSource } from 'typeorm';
import { buildProgram, runProgram } from '../../../apps/cli/src/program';

/*
 * The audit chain on PostgreSQL: concurrent appends are sealed into signed blocks, and verification reports an
 * edited, deleted, reordered or inserted entry, a tampered block and a truncated chain. Each case tampers with a
 * fresh copy of the log (the tables are truncated between cases).
 */
describe('audit log hash chain', () => {
  let db: DataSource;
  let databaseUrl: string;
  let repo: AuditRepository;
  let log: AuditLog;
  const { privateKeyPem } = AuditSigner.generatePem();
  const signer = AuditSigner.fromPem(privateKeyPem);
  const key = signer.verifier();
  const anchorFile = path.join(os.tmpdir(), `ajx-anchor-${randomUUID()}.json`);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    db = await testDataSource(databaseUrl);
    repo = new AuditRepository(db);
    log = new AuditLog(repo);
  });
  afterAll(async () => {
    fs.rmSync(anchorFile, { force: true });
    await db.destroy();
  });

  async function freshLog(entries: number): Promise<void> {
    await db.query('TRUNCATE audit_entries, audit_blocks RESTART IDENTITY');
    // Appends from many "requests" at once share group commits.
    await Promise.all(
      Array.from({ length: entries }, (_, i) =>
        log.record({
          actor: `actor-${i % 7}`,
          action: 'dept.read',
          target: `record-${i}`,
          outcome: 'ok',
          details: { i },
        }),
      ),
    );
    const sealer = new AuditSealer(repo);
    // Several blocks: seal in slices of 40.
    while ((await sealer.sealOnce(signer, { maxEntries: 40, anchorFile })).blocks > 0);
  }

  const verify = () => new AuditVerifier(repo).verify(key, readAnchor(anchorFile));

  it('verifies an intact log of several signed blocks', async () => {
    await freshLog(150);
    const result = await verify();
    expect(result).toMatchObject({ ok: true, blocks: 4, entries: 150, unsealed: 0, problems: [] });
  });

  it('reports an edited entry', async () => {
    await freshLog(100);
    await db.query(`UPDATE audit_entries SET outcome = 'denied' WHERE id = 57`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'entry-edited', entryId: '57' })]);
  });

  it('reports a deleted entry', async () => {
    await freshLog(100);
    await db.query(`DELETE FROM audit_entries WHERE id = 12`);
    const r = await verify();
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'entry-deleted', entryId: '12' })]);
  });

  it('reports reordered entries', async () => {
    await freshLog(100);
    await db.query(`UPDATE audit_entries SET position = -1 WHERE id = 3`);
    await db.query(`UPDATE audit_entries SET position = 3 WHERE id = 4`);
    await db.query(`UPDATE audit_entries SET position = 4 WHERE id = 3`);
    const r = await verify();
    expect(r.problems.map((p) => p.kind)).toEqual(['entry-reordered', 'entry-reordered']);
    expect(r.problems.map((p) => p.entryId).sort()).toEqual(['3', '4']);
  });

  it('reports an entry slipped into a sealed block', async () => {
    await freshLog(60);
    await db.query(
      `INSERT INTO audit_entries (actor, action, outcome, block_no, position) VALUES ('intruder', 'dept.read', 'ok', 1, 99)`,
    );
    const r = await verify();
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'entry-inserted', blockNo: '1' })]);
  });

  it('reports a tampered block, a deleted block and a truncated chain', async () => {
    await freshLog(130);
    await db.query(
      `UPDATE audit_blocks SET entry_ids = array_remove(entry_ids, 5::bigint), entries = entries - 1 WHERE block_no = 1`,
    );
    expect((await verify()).problems.map((p) => p.kind)).toContain('block-tampered');

    await freshLog(130);
    await db.query(`DELETE FROM audit_entries WHERE block_no = 2`);
    await db.query(`DELETE FROM audit_blocks WHERE block_no = 2`);
    expect((await verify()).problems.map((p) => p.kind)).toEqual(
      expect.arrayContaining(['block-missing', 'block-tampered']),
    );

    await freshLog(130);
    await db.query(`DELETE FROM audit_entries WHERE block_no = 4`);
    await db.query(`DELETE FROM audit_blocks WHERE block_no = 4`);
    expect((await verify()).problems.map((p) => p.kind)).toEqual(['chain-truncated']);
  });

  it('`ajx audit verify` exits 1 listing an edited, a deleted, reordered and an inserted entry together', async () => {
    await freshLog(120);
    await db.query(`UPDATE audit_entries SET details = '{"i": 999}' WHERE id = 57`);
    await db.query(`DELETE FROM audit_entries WHERE id = 12`);
    const [p90, p91] = (
      await db.query<{ position: number }[]>(`SELECT position FROM audit_entries WHERE id IN (90, 91) ORDER BY id`)
    ).map((r) => r.position);
    await db.query(`UPDATE audit_entries SET position = -1 WHERE id = 90`);
    await db.query(`UPDATE audit_entries SET position = $1 WHERE id = 91`, [p90]);
    await db.query(`UPDATE audit_entries SET position = $1 WHERE id = 90`, [p91]);
    await db.query(
      `INSERT INTO audit_entries (actor, action, outcome, block_no, position) VALUES ('intruder', 'dept.read', 'ok', 2, 99)`,
    );
    const keyFile = path.join(os.tmpdir(), `ajx-key-${randomUUID()}.pem`);
    fs.writeFileSync(keyFile, privateKeyPem);
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(chunk.toString());
      return true;
    });
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = { url: process.env.AJX_DATABASE_URL, code: process.exitCode };
    try {
      process.env.AJX_DATABASE_URL = databaseUrl;
      await runProgram(buildProgram(), ['node', 'ajx', 'audit', 'verify', '--key', keyFile, '--anchor', anchorFile]);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = saved.code;
      if (saved.url === undefined) delete process.env.AJX_DATABASE_URL;
      else process.env.AJX_DATABASE_URL = saved.url;
      write.mockRestore();
      err.mockRestore();
      fs.rmSync(keyFile, { force: true });
    }
    const result = JSON.parse(out.join('').trim().split('\n').pop()!) as {
      ok: boolean;
      problems: { kind: string; entryId?: string }[];
    };
    expect(result.ok).toBe(false);
    const kinds = new Set(result.problems.map((p) => p.kind));
    for (const k of ['entry-edited', 'entry-deleted', 'entry-reordered', 'entry-inserted']) expect(kinds).toContain(k);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'entry-edited', entryId: '57' }),
        expect.objectContaining({ kind: 'entry-deleted', entryId: '12' }),
      ]),
    );
  });

  it('rejects blocks signed by another key', async () => {
    await freshLog(20);
    const other = AuditSigner.fromPem(AuditSigner.generatePem().privateKeyPem).verifier();
    const r = await new AuditVerifier(repo).verify(other);
    expect(r.problems.map((p) => p.kind)).toEqual(['bad-signature']);
  });

  it('seals an entry that commits late (lower id than sealed ones) in a later block, never skipping it', async () => {
    await freshLog(0);
    const runner = db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`INSERT INTO audit_entries (actor, action, outcome) VALUES ('slow', 'x', 'ok')`);
    await log.record({ actor: 'fast', action: 'x', outcome: 'ok' });
    const sealer = new AuditSealer(repo);
    const first = await sealer.sealAll(signer);
    expect(first.entries).toBe(1); // "fast" is committed; "slow" (the lower id) is not visible yet
    await runner.commitTransaction();
    await runner.release();
    const second = await sealer.sealAll(signer);
    expect(second.entries).toBe(1);
    const blocks = await db.query<{ entry_ids: string[] }[]>('SELECT entry_ids FROM audit_blocks ORDER BY block_no');
    expect(blocks.map((b) => b.entry_ids.map(Number))).toEqual([[2], [1]]);
    expect((await new AuditVerifier(repo).verify(key)).ok).toBe(true);
  });
});
