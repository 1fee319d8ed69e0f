import net from 'node:net';
import iconv from 'iconv-lite';
import { NATIVE_FORMATS, RECORD_DEFECTS, simulateFile } from '@ajx/simulation';
import { RawHeaders, rawTopicName } from '@ajx/contracts';
import { waitFor } from '@ajx/testing';
import { hostileFile, hostileKindsOf, hostileWholeFiles, type CorpusOutcome } from '../support/hostile-corpus';
import { getJson, TestHub, upload } from '../support/hub';
import { readAll } from '../support/kafka-read';

/*
 * Issue 11, bad input, on the real stack: hundreds of malformed records and files across the four formats each get
 * a specific error, the rest of their batch is unaffected, and no consumer stalls (a good file still flows through
 * afterwards). Plus the nasties: NUL bytes, deep nesting, huge fields, XML entity expansion and external entities,
 * CSV injection, numbers out of range, wrong encodings, truncation, oversized bodies, slow uploads, wrong types.
 */
describe('bad input', () => {
  const hub = new TestHub('badinput', {
    services: ['gateway', 'normalizer'],
    gateway: { AJX_INGEST_MAX_BYTES: 4 * 1024 * 1024 },
  });
  const tokens: Record<string, string> = {};
  const INSURERS = ['PICC', 'PINGAN', 'CPIC', 'DADI'];

  beforeAll(async () => {
    await hub.start();
    for (const i of INSURERS) tokens[i] = await hub.principal({ id: i, type: 'insurer', name: i });
  });
  afterAll(() => hub.stop());

  async function settle(insurer: string, batchId: string) {
    return waitFor(
      async () => {
        const r = (await getJson(`${hub.url()}/v1/ingest/batches/${batchId}?limit=10000`, tokens[insurer])).body;
        return r.complete ? r : undefined;
      },
      { what: `batch ${batchId} complete`, timeoutMs: 60000, intervalMs: 250 },
    );
  }

  async function uploadBody(insurer: string, body: Buffer | string, contentType?: string) {
    return upload(hub.url(), tokens[insurer], insurer, body, contentType);
  }

  it('rejects hundreds of generated single-defect records with their specific codes, accepting the rest', async () => {
    let defective = 0;
    for (const insurer of INSURERS) {
      for (const kind of ['policy', 'service', 'hazard'] as const) {
        const sim = simulateFile({
          insurer,
          seed: `bad-${insurer}-${kind}`,
          records: 60,
          kind,
          kinds: [kind],
          defectRate: 0.85,
          noise: 0.3,
          defects: [...RECORD_DEFECTS],
        });
        const res = await uploadBody(insurer, await sim.bytes());
        expect(res.status).toBe(202);
        const report = await settle(insurer, res.body.batchId as string);
        const expected = [...sim.outcomes()];
        const wantRejects = expected
          .filter((o) => !o.ok)
          .map((o) => ({ recordIndex: o.recordIndex, code: (o as { code: string }).code }));
        defective += wantRejects.length;
        expect(
          report.rejects.map((r: { recordIndex: number; code: string }) => ({
            recordIndex: r.recordIndex,
            code: r.code,
          })),
        ).toEqual(wantRejects);
        expect(report.normalized + report.duplicates).toBe(expected.length - wantRejects.length);
        for (const r of report.rejects) expect(r.message.length).toBeGreaterThan(5);
      }
    }
    expect(defective).toBeGreaterThanOrEqual(500);
  });

  it('rejects whole-file defects of every format as the standard says (MALFORMED_FILE: nothing published)', async () => {
    let files = 0;
    for (const insurer of INSURERS) {
      for (const fileDefect of NATIVE_FORMATS[insurer].fileDefects) {
        const sim = simulateFile({ insurer, seed: `file-${insurer}-${fileDefect}`, records: 5, fileDefect });
        const res = await uploadBody(insurer, await sim.bytes());
        expect({ insurer, fileDefect, status: res.status, code: res.body.code }).toEqual({
          insurer,
          fileDefect,
          status: 422,
          code: 'MALFORMED_FILE',
        });
        files++;
      }
    }
    expect(files).toBeGreaterThanOrEqual(4);
  });

  it('a generated hostile corpus: ≥ 500 hostile records among valid ones in all four formats, each with its specific code; every valid record reaches the canonical store, formulas and control characters unchanged', async () => {
    let hostile = 0;
    const seen = new Set<string>();
    for (const insurer of INSURERS) {
      for (let f = 0; f < 4; f++) {
        const kind = (['policy', 'service', 'hazard', 'policy'] as const)[f];
        const file = hostileFile(insurer, `corpus-${insurer}-${f}`, 80, 2, kind);
        const res = await uploadBody(insurer, file.bytes);
        expect({ insurer, f, status: res.status }).toEqual({ insurer, f, status: 202 });
        const report = await settle(insurer, res.body.batchId as string);
        const wantRejects = file.outcomes
          .filter((o): o is Extract<CorpusOutcome, { ok: false }> => !o.ok)
          .map((o) => ({ recordIndex: o.recordIndex, code: o.code }));
        expect({
          insurer,
          f,
          rejects: report.rejects.map((r: { recordIndex: number; code: string }) => ({
            recordIndex: r.recordIndex,
            code: r.code,
          })),
        }).toEqual({ insurer, f, rejects: wantRejects });
        for (const r of report.rejects) expect(r.message.length).toBeGreaterThan(10);
        const valid = file.outcomes.filter((o): o is Extract<CorpusOutcome, { ok: true }> => o.ok);
        expect(report.normalized + report.duplicates).toBe(valid.length);
        // Every valid record of the file is in the canonical store; data kept as data is stored unchanged.
        const stored = await hub.db.query<{ subject: string; names: string[] }[]>(
          `SELECT subject, array_agg(data->'enterprise'->>'name') AS names FROM canonical_events
           WHERE insurer = $1 AND subject = ANY($2) GROUP BY subject`,
          [insurer, valid.map((o) => o.subject)],
        );
        expect(stored.map((r) => r.subject).sort()).toEqual([...new Set(valid.map((o) => o.subject))].sort());
        const names = new Map(stored.map((r) => [r.subject, r.names]));
        for (const o of valid.filter((v) => v.storedName)) expect(names.get(o.subject)).toContain(o.storedName);
        hostile += file.outcomes.filter((o) => o.hostile).length;
        for (const o of file.outcomes) if (o.hostile) seen.add(`${insurer}:${o.hostile}`);
      }
    }
    expect(hostile).toBeGreaterThanOrEqual(500);
    // Every kind each format can carry was planted.
    expect(seen.size).toBe(INSURERS.reduce((n, i) => n + hostileKindsOf(i).length, 0));
  }, 240_000);

  it('refuses hostile whole files of every container format as a whole, with a specific message, publishing nothing', async () => {
    for (const w of hostileWholeFiles()) {
      const res = await uploadBody(w.insurer, w.body);
      expect({ file: `${w.insurer} ${w.name}`, status: res.status, code: res.body.code }).toEqual({
        file: `${w.insurer} ${w.name}`,
        status: 422,
        code: 'MALFORMED_FILE',
      });
      expect(res.body.message).toMatch(w.message);
      expect(JSON.stringify(res.body)).not.toContain('root:');
      const batchId = (res.body.details as { batchId: string }).batchId;
      const raw = await readAll(hub.kafka, hub.ns.topicPrefix + rawTopicName(w.insurer));
      expect(raw.filter((m) => m.headers[RawHeaders.batchId] === batchId)).toHaveLength(0);
    }
  });

  it('refuses XML entity expansion and external entities as a whole', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><AJXBatch insurer="CPIC"><Policy>&lol2;</Policy></AJXBatch>`;
    const external = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><AJXBatch insurer="CPIC"><Policy><PolicyNo>&xxe;</PolicyNo></Policy></AJXBatch>`;
    for (const body of [laughs, external]) {
      const res = await uploadBody('CPIC', body);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('MALFORMED_FILE');
      expect(JSON.stringify(res.body)).not.toContain('root:');
    }
  });

  it('handles NUL bytes, deep nesting, huge fields, CSV injection, out-of-range numbers and truncated lines per record', async () => {
    const base = (await simulateFile({ insurer: 'PINGAN', seed: 'nasty', records: 8, kinds: ['policy'] }).bytes())
      .toString('utf8')
      .trim()
      .split('\n');
    const obj = (i: number) =>
      JSON.parse(base[i]) as { insured: { name: string; staffCount: unknown }; premiumFen: unknown; policyNo: string };
    const nul = obj(0);
    nul.insured.name = '宁波\u0000化工';
    const deep = `{"recordType":"POLICY","x":${'['.repeat(50000)}${']'.repeat(50000)}}`;
    const huge = obj(1);
    huge.insured.name = '企'.repeat(40 * 1024); // huge for a name, still under the record size limit
    const injection = obj(2);
    injection.insured.name = `=cmd|' /C calc'!A0`;
    const outOfRange = obj(3);
    outOfRange.insured.staffCount = 'OUT_OF_RANGE';
    const lines = [
      JSON.stringify(nul),
      deep,
      JSON.stringify(huge),
      JSON.stringify(injection),
      JSON.stringify(outOfRange).replace('"OUT_OF_RANGE"', '1e400'),
      base[4].slice(0, base[4].length / 2),
      base[5],
    ];
    const res = await uploadBody('PINGAN', `${lines.join('\n')}\n`);
    expect(res.status).toBe(202);
    const report = await settle('PINGAN', res.body.batchId as string);
    const codes = Object.fromEntries(
      report.rejects.map((r: { recordIndex: number; code: string }) => [r.recordIndex, r.code]),
    );
    expect(codes[1]).toBe('MALFORMED_RECORD'); // NUL
    expect(codes[2]).toBeDefined(); // deep nesting: rejected, not crashed
    expect(codes[3]).toBe('FIELD_TOO_LONG');
    expect(codes[4]).toBeUndefined(); // CSV injection is data: accepted unchanged
    expect(codes[5]).toBe('INVALID_NUMBER'); // 1e400
    expect(codes[6]).toBe('MALFORMED_RECORD'); // truncated line
    expect(codes[7]).toBeUndefined();
    const [stored] = await hub.db.query<{ name: string }[]>(
      `SELECT data->'enterprise'->>'name' AS name FROM canonical_events WHERE subject = $1`,
      [injection.policyNo],
    );
    expect(stored.name).toBe(`=cmd|' /C calc'!A0`);
  });

  it('rejects wrongly encoded files: UTF-8 for GBK CSV, GBK for UTF-8 NDJSON', async () => {
    const utf8Csv = (await simulateFile({ insurer: 'PICC', seed: 'enc', records: 3 }).bytes()).toString('latin1');
    const asUtf8 = Buffer.from(Buffer.from(utf8Csv, 'latin1').toString('latin1'), 'latin1');
    const piccAsUtf8 = Buffer.from(iconv.decode(asUtf8, 'gb18030'), 'utf8');
    const res = await uploadBody('PICC', piccAsUtf8);
    expect([202, 422]).toContain(res.status);
    if (res.status === 202) {
      const report = await settle('PICC', res.body.batchId as string);
      expect(report.rejected).toBe(report.records);
    } else expect(res.body.code).toBe('MALFORMED_FILE');

    const gbkLine = iconv.encode(`{"recordType":"HAZARD","dangerNo":"ENC-1","desc":"配电箱未接地"}\n`, 'gbk');
    const res2 = await uploadBody('PINGAN', gbkLine);
    const report2 = await settle('PINGAN', res2.body.batchId as string);
    expect(report2.rejects).toEqual([expect.objectContaining({ recordIndex: 1, code: 'MALFORMED_RECORD' })]);
  });

  it('answers 413 for oversized bodies and 415 for wrong content types', async () => {
    expect((await uploadBody('DADI', Buffer.alloc(4 * 1024 * 1024 + 1, 0x20))).status).toBe(413);
    expect((await uploadBody('DADI', '{}', 'text/plain')).status).toBe(415);
    expect((await uploadBody('CPIC', '<AJXBatch/>', 'application/json')).status).toBe(415);
  });

  it('answers a slow upload 408 UPLOAD_TIMEOUT (audited) while other uploads on the same gateway go through', async () => {
    const slow = await hub.startExtraGateway({ AJX_INGEST_BODY_TIMEOUT_MS: 1500 });
    const { port } = new URL(slow.url);
    let drip: NodeJS.Timeout | undefined;
    const answered = new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /v1/ingest/PINGAN/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tokens.PINGAN}\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n`,
        );
        drip = setInterval(() => socket.write('{'), 100);
      });
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => undefined);
    });
    // Meanwhile, uploads of another insurer on the same instance are accepted.
    for (let i = 0; i < 3; i++) {
      const sim = simulateFile({ insurer: 'DADI', seed: `beside-slow-${i}`, records: 5 });
      const ok = await upload(slow.url, tokens.DADI, 'DADI', await sim.bytes());
      expect(ok.status).toBe(202);
    }
    const answer = await answered;
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { code: string; message: string };
    expect(body.code).toBe('UPLOAD_TIMEOUT');
    expect(body.message).toMatch(/did not arrive within 1500 ms \(\d+ bytes received\)/);
    const [{ n }] = await hub.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_entries WHERE action = 'ingest.upload' AND outcome = 'denied'
       AND actor = 'PINGAN' AND details->>'reason' = 'upload timeout'`,
    );
    expect(n).toBe(1);
  }, 90_000);

  it('keeps every consumer moving: a good file still goes through after all of that', async () => {
    const sim = simulateFile({ insurer: 'DADI', seed: 'after-bad', records: 40 });
    const res = await uploadBody('DADI', await sim.bytes());
    const report = await settle('DADI', res.body.batchId as string);
    expect(report.rejected).toBe(0);
    expect(report.normalized).toBe(40);
  });
});
