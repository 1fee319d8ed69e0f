import fs from 'node:fs';
import path from 'node:path';
import { adapterBatchId, rawTopicName } from '@ajx/contracts';
import { createKafka, insurerKafkaUser, readTopicToEnd } from '@ajx/messaging';
import { simulateFile } from '@ajx/simulation';
import { spawnService, startService, type StartedService, testRuntime, waitFor } from '@ajx/testing';
import { createHash } from 'node:crypto';
import { AdapterConfig } from '../../../apps/adapter/src/adapter.config';
import { adapterService } from '../../../apps/adapter/src/adapter.service-definition';
import { expectedOutputOf, sampleFiles, TestHub } from '../support/hub';
import { provisionKafkaUsers, runCli } from '../support/kafka-users';

/*
 * Issue 6: insurer adapters publish straight to Kafka with their own SCRAM identity (SASL listener, ACLs):
 * the samples of every insurer reach the canonical store exactly as the standard says; another insurer's identity
 * is refused by the broker; a runner killed with SIGKILL mid-file and restarted publishes every record once.
 */

const INSURERS = ['PICC', 'PINGAN', 'CPIC', 'DADI'];

const expectedOf = expectedOutputOf;

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('insurer adapter runner on the SASL listener', () => {
  const hub = new TestHub('adapter', { services: ['normalizer'] });
  let users: Record<string, string>;
  let passwordFile: string;
  const userPrefix = () => `${hub.ns.id}-`;
  const runners: StartedService[] = [];

  beforeAll(async () => {
    await hub.start();
    ({ users, file: passwordFile } = provisionKafkaUsers(hub.dir, hub.ns.topicPrefix, userPrefix(), INSURERS));
  });
  afterAll(async () => {
    for (const r of runners) await r.close();
    await hub.stop();
  });

  function runnerConfig(insurer: string, dropDir: string, asUser = insurer, overrides: Partial<AdapterConfig> = {}) {
    return hub.config(AdapterConfig, {
      AJX_KAFKA_BROKERS: testRuntime().saslBrokers,
      AJX_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      AJX_KAFKA_USERNAME: insurerKafkaUser(asUser, userPrefix()),
      AJX_KAFKA_PASSWORD_FILE: passwordFile,
      AJX_ADAPTER_INSURER: insurer,
      AJX_ADAPTER_DROP_DIR: dropDir,
      AJX_ADAPTER_PORT: 0,
      AJX_ADAPTER_SETTLE_MS: 200,
      AJX_ADAPTER_POLL_MS: 100,
      ...overrides,
    });
  }

  async function startRunner(config: AdapterConfig): Promise<StartedService> {
    const r = await startService(adapterService, config);
    runners.push(r);
    return r;
  }

  const receipt = (file: string) =>
    JSON.parse(fs.readFileSync(`${file}.receipt.json`, 'utf8')) as Record<string, unknown>;

  it('provisions a 0600 password file and ACLs that give each insurer its own raw topic only', () => {
    expect(fs.statSync(passwordFile).mode & 0o777).toBe(0o600);
    expect(Object.keys(users)).toEqual(
      expect.arrayContaining([insurerKafkaUser('PICC', userPrefix()), `${userPrefix()}svc-normalizer`]),
    );
    const acls = runCli(['kafka', 'acls', '--user', insurerKafkaUser('PICC', userPrefix())], {
      AJX_KAFKA_BROKERS: testRuntime().brokers.join(','),
    });
    expect(acls.status).toBe(0);
    const rows = acls.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { resource: string; name: string; operation: string });
    const topics = rows.filter((r) => r.resource === 'topic' && r.operation === 'write').map((r) => r.name);
    expect(topics.sort()).toEqual(
      [hub.ns.topicPrefix + rawTopicName('PICC'), `${hub.ns.topicPrefix}ajx.adapter-state.v1.PICC`].sort(),
    );
    // Passwords are never printed.
    expect(acls.stdout + acls.stderr).not.toContain(users[insurerKafkaUser('PICC', userPrefix())]);
  });

  it('publishes every sample file; the canonical store gets exactly the expected records', async () => {
    const drops: Record<string, string> = {};
    for (const insurer of INSURERS) {
      drops[insurer] = path.join(hub.dir, `drop-${insurer}`);
      await startRunner(runnerConfig(insurer, drops[insurer]));
      for (const f of sampleFiles(insurer)) {
        // Written under a temporary name and renamed, as a well-behaved sender does.
        const tmp = path.join(drops[insurer], 'incoming', `${path.basename(f)}.part`);
        fs.copyFileSync(f, tmp);
        fs.renameSync(tmp, path.join(drops[insurer], 'incoming', path.basename(f)));
      }
    }
    for (const insurer of INSURERS) {
      await waitFor(() => fs.readdirSync(path.join(drops[insurer], 'incoming')).length === 0, {
        what: `${insurer} drop folder emptied`,
        timeoutMs: 60000,
      });
    }
    for (const insurer of INSURERS) {
      for (const f of sampleFiles(insurer)) {
        const expected = expectedOf(insurer, f);
        const name = path.basename(f);
        const batchId = adapterBatchId(insurer, sha256(f));
        if (expected.length === 1 && expected[0].recordIndex === 0) {
          // Not whole: rejected with a receipt, nothing published.
          expect(receipt(path.join(drops[insurer], 'rejected', name))).toMatchObject({ code: 'MALFORMED_FILE' });
          expect(fs.existsSync(path.join(drops[insurer], 'rejected', name))).toBe(true);
          continue;
        }
        expect(receipt(path.join(drops[insurer], 'processed', name))).toMatchObject({
          batchId,
          insurer,
          sha256: sha256(f),
          records: expected.length,
          alreadyPublished: false,
        });
        const outcomes = await waitFor(
          async () => {
            const rows = await hub.db.query<
              { record_index: number; outcome: string; code: string | null; event_id: string | null }[]
            >(
              'SELECT record_index, outcome, code, event_id FROM batch_outcomes WHERE batch_id = $1 ORDER BY record_index',
              [batchId],
            );
            return rows.length === expected.length ? rows : undefined;
          },
          { what: `outcomes of ${name}`, timeoutMs: 60000, intervalMs: 250 },
        );
        expect(outcomes.filter((o) => o.outcome === 'rejected').map((o) => [o.record_index, o.code])).toEqual(
          expected.flatMap((e, i) => (e.reject ? [[i + 1, e.reject]] : [])),
        );
        for (const [i, e] of expected.entries()) {
          if (e.reject) continue;
          const [row] = await hub.db.query<{ type: string; subject: string; data: { version: number } }[]>(
            `SELECT type, subject, data FROM canonical_events WHERE event_id = $1`,
            [outcomes[i].event_id],
          );
          expect({ name, i, type: row?.type, data: row?.data }).toEqual({ name, i, type: e.type, data: e.data });
        }
      }
    }
  });

  it('moves a file already published aside without publishing it again', async () => {
    const drop = path.join(hub.dir, 'drop-PINGAN');
    const f = sampleFiles('PINGAN').find((x) => path.basename(x).startsWith('s1-'))!;
    const topic = hub.ns.topicPrefix + rawTopicName('PINGAN');
    let before = 0;
    await readTopicToEnd(hub.kafka, topic, () => before++);
    fs.copyFileSync(f, path.join(drop, 'incoming', 'again.ndjson'));
    await waitFor(() => fs.existsSync(path.join(drop, 'processed', 'again.ndjson.receipt.json')), {
      what: 'receipt of the re-sent file',
    });
    expect(receipt(path.join(drop, 'processed', 'again.ndjson'))).toMatchObject({
      batchId: adapterBatchId('PINGAN', sha256(f)),
      alreadyPublished: true,
    });
    let after = 0;
    await readTopicToEnd(hub.kafka, topic, () => after++);
    expect(after).toBe(before);
  });

  it("refuses a runner with another insurer's identity: nothing reaches that insurer's topic", async () => {
    const drop = path.join(hub.dir, 'drop-impostor');
    const runner = await startRunner(runnerConfig('DADI', drop, 'PICC'));
    fs.mkdirSync(path.join(drop, 'incoming'), { recursive: true });
    const file = path.join(hub.dir, 'forged.json');
    const sim = simulateFile({ insurer: 'DADI', seed: 'impostor', records: 20 });
    const parts: Buffer[] = [];
    for await (const c of sim.chunks()) parts.push(c);
    fs.writeFileSync(file, Buffer.concat(parts));
    fs.copyFileSync(file, path.join(drop, 'incoming', 'forged.json'));
    const ready = await waitFor(
      async () => {
        const res = await fetch(`${runner.url}/health/ready`);
        const body = await res.text();
        return res.status === 503 && /AUTHORIZATION_FAILED/.test(body) ? body : undefined;
      },
      { what: 'the runner reporting the broker refusal', timeoutMs: 30000, intervalMs: 200 },
    );
    expect(ready).toMatch(/refused this adapter's identity/);
    // The file stays where it is (the file is fine; the identity is wrong) and nothing was published.
    expect(fs.existsSync(path.join(drop, 'incoming', 'forged.json'))).toBe(true);
    expect(fs.readdirSync(path.join(drop, 'processed'))).toEqual([]);
    // Even a plain producer with PICC's credentials cannot write DADI's raw topic.
    const picc = createKafka({
      brokers: testRuntime().saslBrokers,
      clientId: 'test-impostor',
      sasl: {
        mechanism: 'scram-sha-512',
        username: insurerKafkaUser('PICC', userPrefix()),
        password: users[insurerKafkaUser('PICC', userPrefix())],
      },
    });
    const producer = picc.producer({ retry: { retries: 0 } });
    await producer.connect();
    await expect(
      producer.send({ topic: hub.ns.topicPrefix + rawTopicName('DADI'), messages: [{ value: '{}' }] }),
    ).rejects.toThrow(/Topic authorization failed/);
    await producer.disconnect();
    const dadiBatch = adapterBatchId('DADI', sha256(file));
    let forged = 0;
    await readTopicToEnd(hub.kafka, hub.ns.topicPrefix + rawTopicName('DADI'), (m) => {
      if (m.headers['ajx-batch-id'] === dadiBatch) forged++;
    });
    expect(forged).toBe(0);
  });

  it("every insurer identity × every other insurer's raw and state topics: refused by the broker and logged", async () => {
    const authorizerLog = path.join(testRuntime().kafkaDataDir, 'authorizer.log');
    const before = fs.existsSync(authorizerLog) ? fs.statSync(authorizerLog).size : 0;
    const ends: Record<string, number> = {};
    const admin = hub.kafka.admin();
    await admin.connect();
    const topicEnd = async (topic: string) =>
      (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    for (const insurer of INSURERS) ends[insurer] = await topicEnd(hub.ns.topicPrefix + rawTopicName(insurer));
    const refused: string[] = [];
    for (const as of INSURERS) {
      const user = insurerKafkaUser(as, userPrefix());
      const kafka = createKafka({
        brokers: testRuntime().saslBrokers,
        clientId: `test-impostor-${as}`,
        sasl: { mechanism: 'scram-sha-512', username: user, password: users[user] },
      });
      const producer = kafka.producer({ retry: { retries: 0 } });
      await producer.connect();
      try {
        for (const victim of INSURERS.filter((i) => i !== as)) {
          for (const topic of [rawTopicName(victim), `ajx.adapter-state.v1.${victim}`]) {
            await expect(
              producer.send({ topic: hub.ns.topicPrefix + topic, messages: [{ key: 'x', value: '{}' }] }),
            ).rejects.toThrow(/Topic authorization failed/);
            refused.push(`${user} ${topic}`);
          }
        }
      } finally {
        await producer.disconnect();
      }
    }
    expect(refused).toHaveLength(INSURERS.length * (INSURERS.length - 1) * 2);
    // Nothing landed on any raw topic.
    for (const insurer of INSURERS)
      expect(await topicEnd(hub.ns.topicPrefix + rawTopicName(insurer))).toBe(ends[insurer]);
    await admin.disconnect();
    // The broker's audit trail: every refused identity × topic (metadata DESCRIBE is refused before any write).
    const logged = (text: string, pair: string) => {
      const [user, topic] = pair.split(' ');
      return text
        .split('\n')
        .some(
          (l) =>
            l.includes(`User:${user} is Denied operation`) &&
            l.includes(`Topic:LITERAL:${hub.ns.topicPrefix}${topic} `),
        );
    };
    const missing = await waitFor(
      () => {
        const text = fs.readFileSync(authorizerLog).subarray(before).toString('utf8');
        return refused.every((pair) => logged(text, pair)) ? [] : undefined;
      },
      { what: 'every denial in the broker authorizer log', timeoutMs: 10000, intervalMs: 200 },
    );
    expect(missing).toEqual([]);
  });

  it('publishes each record exactly once when killed with SIGKILL mid-file and restarted', async () => {
    const drop = path.join(hub.dir, 'drop-crash');
    fs.mkdirSync(path.join(drop, 'incoming'), { recursive: true });
    const records = 30000;
    const sim = simulateFile({ insurer: 'PINGAN', seed: 'adapter-crash', records });
    const file = path.join(drop, 'big.ndjson.part');
    const out = fs.createWriteStream(file);
    for await (const chunk of sim.chunks())
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    await new Promise<void>((r) => out.end(() => r()));
    const hash = sha256(file);
    const batchId = adapterBatchId('PINGAN', hash);
    fs.renameSync(file, path.join(drop, 'incoming', 'big.ndjson'));

    const config = runnerConfig('PINGAN', drop, 'PINGAN', { AJX_ADAPTER_CHUNK_RECORDS: 500 });
    const first = spawnService('adapter', config);
    const stateTopic = `${hub.ns.topicPrefix}ajx.adapter-state.v1.PINGAN`;
    let checkpoints = 0;
    await waitFor(
      async () => {
        checkpoints = 0;
        await readTopicToEnd(hub.kafka, stateTopic, (m) => {
          if (m.value && (JSON.parse(m.value.toString()) as { sha256: string }).sha256 === hash) checkpoints++;
        });
        return checkpoints >= 3;
      },
      { what: 'some checkpoints of the big file', timeoutMs: 60000, intervalMs: 50 },
    );
    await first.kill('SIGKILL');
    expect(fs.existsSync(path.join(drop, 'incoming', 'big.ndjson'))).toBe(true);

    const second = spawnService('adapter', config);
    try {
      await waitFor(() => fs.existsSync(path.join(drop, 'processed', 'big.ndjson.receipt.json')), {
        what: 'the big file processed after the restart',
        timeoutMs: 120000,
        intervalMs: 250,
      });
    } finally {
      await second.kill('SIGTERM');
    }
    expect(receipt(path.join(drop, 'processed', 'big.ndjson'))).toMatchObject({ batchId, records });
    // The raw topic (committed messages only) holds each record of the batch exactly once.
    const seen = new Map<number, number>();
    await readTopicToEnd(hub.kafka, hub.ns.topicPrefix + rawTopicName('PINGAN'), (m) => {
      if (m.headers['ajx-batch-id'] !== batchId) return;
      const i = Number(m.headers['ajx-record-index']);
      seen.set(i, (seen.get(i) ?? 0) + 1);
    });
    expect(seen.size).toBe(records);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // … and the canonical store has one outcome per record.
    const outcomes = await waitFor(
      async () => {
        const [r] = await hub.db.query<{ n: number; distinct: number }[]>(
          'SELECT count(*)::int AS n, count(DISTINCT record_index)::int AS distinct FROM batch_outcomes WHERE batch_id = $1',
          [batchId],
        );
        return r.n >= records ? r : undefined;
      },
      { what: 'every outcome of the big file', timeoutMs: 180000, intervalMs: 500 },
    );
    expect(outcomes).toEqual({ n: records, distinct: records });
  });
});
