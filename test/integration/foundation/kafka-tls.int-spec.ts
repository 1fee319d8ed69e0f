import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommonConfig, loadConfig } from '@ajx/config';
import { createKafkaFromConfig, kafkaSasl, kafkaSsl, readTopicToEnd } from '@ajx/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { runCli } from '../support/kafka-users';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require('../../../deploy/kafka/local-kafka.cjs') as {
  startBroker(o: object): Promise<{ brokers: string[]; sslBrokers: string[]; mtlsBrokers: string[] }>;
  stopBroker(dataDir: string, graceMs?: number): Promise<boolean>;
  alterScramUsers(bootstrap: string, changes: { user: string; password?: string }[]): void;
};

/**
 * Kafka over TLS as production runs it: a broker of its own with a SASL_SSL listener (SCRAM over TLS) and an SSL
 * listener that requires client certificates, signed by a CA this test makes with openssl. The hub's clients are built
 * from AJX_KAFKA_SSL* settings exactly as the services build them; the built `ajx` command creates the topics through
 * SASL_SSL. Wrong or missing trust, a missing client certificate and plaintext to a TLS port are refused.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-kafka-tls-'));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA, and certificates it signs: the broker's (127.0.0.1 and localhost) and a client's (CN = the principal). */
function makePki(): void {
  for (const ca of ['ca', 'rogue-ca']) {
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${ca}.key`);
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      `${ca}.key`,
      '-days',
      '2',
      '-subj',
      `/CN=AJX test ${ca}`,
      '-out',
      `${ca}.pem`,
    );
  }
  const sign = (name: string, subject: string, ext: string) => {
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
    fs.writeFileSync(file(`${name}.ext`), ext);
    openssl(
      'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
      '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`,
    ); // prettier-ignore
  };
  sign('broker', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  sign('client', '/CN=ajx-mtls-client', 'extendedKeyUsage=clientAuth\n');
}

const PASSWORD = 'tls-test-password-0123456789abcdef';
let broker: { brokers: string[]; sslBrokers: string[]; mtlsBrokers: string[] };

beforeAll(async () => {
  makePki();
  fs.writeFileSync(file('scram.password'), `${PASSWORD}\n`);
  broker = await localKafka.startBroker({
    dataDir: file('kafka'),
    heapMb: 384,
    sslPort: true,
    mtlsPort: true,
    tls: { caFile: file('ca.pem'), certFile: file('broker.pem'), keyFile: file('broker.key') },
    // The test's clients administer their own topics; the ACL model itself is tested in adapter/adapter-runner.
    extraProperties: ['super.users=User:ANONYMOUS;User:svc-tls;User:ajx-mtls-client'],
  });
  localKafka.alterScramUsers(broker.brokers[0], [{ user: 'svc-tls', password: PASSWORD }]);
}, 180_000);

afterAll(async () => {
  await localKafka.stopBroker(file('kafka'), 10_000);
  fs.rmSync(dir, { recursive: true, force: true });
});

const saslSslEnv = (): Record<string, string> => ({
  AJX_KAFKA_BROKERS: broker.sslBrokers.join(','),
  AJX_KAFKA_SSL: 'true',
  AJX_KAFKA_SSL_CA_FILE: file('ca.pem'),
  AJX_KAFKA_SASL_MECHANISM: 'scram-sha-512',
  AJX_KAFKA_USERNAME: 'svc-tls',
  AJX_KAFKA_PASSWORD_FILE: file('scram.password'),
  AJX_TOPIC_PREFIX: 'tls.',
  AJX_LOG_LEVEL: 'warn',
});

/** Produces one message and reads the topic back, through a client built from the settings. */
async function roundTrip(config: CommonConfig, topic: string): Promise<string[]> {
  const kafka = createKafkaFromConfig(config, 'ajx-tls-test');
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: `over ${topic}` }] });
  } finally {
    await producer.disconnect();
  }
  const seen: string[] = [];
  await readTopicToEnd(kafka, topic, (m) => seen.push(m.value?.toString() ?? ''));
  return seen;
}

/** Whether a client with these settings can make an admin call (no retries: a refusal is final). */
async function connects(env: Record<string, string>): Promise<string> {
  const config = loadConfig(CommonConfig, env);
  const kafka = new Kafka({
    clientId: 'ajx-tls-probe',
    brokers: config.AJX_KAFKA_BROKERS,
    ssl: kafkaSsl(config),
    sasl: kafkaSasl(config),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return 'connected';
  } catch (err) {
    return `refused: ${(err as Error).message}`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

describe('Kafka over TLS', () => {
  it('creates the topics with the built ajx command over SASL_SSL (SCRAM, the broker verified against the CA)', () => {
    const res = runCli(['topics', 'ensure', '--insurers', 'PICC'], saslSslEnv());
    expect([res.status, res.stderr]).toEqual([0, expect.any(String)]);
  });

  it('produces and consumes over SASL_SSL as the services do', async () => {
    const config = loadConfig(CommonConfig, saslSslEnv());
    expect(await roundTrip(config, 'tls.ajx.raw.v1.PICC')).toEqual(['over tls.ajx.raw.v1.PICC']);
  });

  it('produces and consumes over mutual TLS (the client certificate is the identity)', async () => {
    const config = loadConfig(CommonConfig, {
      AJX_KAFKA_BROKERS: broker.mtlsBrokers.join(','),
      AJX_KAFKA_SSL: 'true',
      AJX_KAFKA_SSL_CA_FILE: file('ca.pem'),
      AJX_KAFKA_SSL_CERT_FILE: file('client.pem'),
      AJX_KAFKA_SSL_KEY_FILE: file('client.key'),
    });
    expect(await roundTrip(config, 'tls.ajx.dlq.v1')).toEqual(['over tls.ajx.dlq.v1']);
  });

  it('refuses a broker signed by another CA, or by none the client trusts', async () => {
    expect(await connects({ ...saslSslEnv(), AJX_KAFKA_SSL_CA_FILE: file('rogue-ca.pem') })).toMatch(
      /^refused: .*(self[- ]signed|unable to verify|certificate)/i,
    );
    expect(await connects({ ...saslSslEnv(), AJX_KAFKA_SSL_CA_FILE: '' })).toMatch(
      /^refused: .*(self[- ]signed|unable to verify|certificate)/i,
    );
    expect(await connects(saslSslEnv())).toBe('connected');
  });

  it('refuses a client without a certificate on the mTLS listener, and plaintext on a TLS port', async () => {
    expect(
      await connects({
        AJX_KAFKA_BROKERS: broker.mtlsBrokers.join(','),
        AJX_KAFKA_SSL: 'true',
        AJX_KAFKA_SSL_CA_FILE: file('ca.pem'),
      }),
    ).toMatch(/^refused/);
    expect(await connects({ ...saslSslEnv(), AJX_KAFKA_SSL: 'false', AJX_KAFKA_SSL_CA_FILE: '' })).toMatch(/^refused/);
  });

  it('refuses TLS files without AJX_KAFKA_SSL=true, and names an unreadable file', () => {
    expect(() => kafkaSsl(loadConfig(CommonConfig, { AJX_KAFKA_SSL_CA_FILE: file('ca.pem') }))).toThrow(
      'AJX_KAFKA_SSL_* files are set but AJX_KAFKA_SSL is not true',
    );
    expect(() =>
      kafkaSsl(loadConfig(CommonConfig, { AJX_KAFKA_SSL: 'true', AJX_KAFKA_SSL_CA_FILE: file('missing.pem') })),
    ).toThrow(`AJX_KAFKA_SSL_CA_FILE ${file('missing.pem')} cannot be read: ENOENT`);
  });
});
