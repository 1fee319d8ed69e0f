/**
 * The peer of `bench:limit`: what a user would deploy instead of the hub's fan-out stage — Kafka Connect (standalone
 * worker) with Debezium's JDBC sink connector upserting into PostgreSQL. It is given the same rows the hub writes
 * (one message per entitled department and event: the fan-out done upstream, which Connect cannot do) on a topic of
 * 12 partitions, with the schema envelope its JSON converter needs, and writes them with `insert.mode=upsert` into a
 * table of the same definition as the limit's. Timed from its first row to its last; CPU of the worker, the broker
 * and PostgreSQL over that window.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { EventProducer, TopicAdmin } from '@ajx/messaging';
import type { Ceiling, LimitRecords } from '../limit.bench';
import { cpuOfPostgres, sampleProc } from './proc-stats';

const POM = path.resolve(__dirname, '../../../deploy/kafka-connect/pom.xml');
const TOPIC = 'bench.peer';
const TABLE = 'bench_peer_rows';
const log = (msg: string) => process.stderr.write(`[bench:limit] ${msg}\n`);

/** The worker's classpath, resolved with Maven once into the cache (like the broker's, deploy/kafka). */
function connectClasspath(): string {
  const version = /<debezium\.version>([^<]+)</.exec(fs.readFileSync(POM, 'utf8'))![1];
  const cache = process.env.AJX_CACHE_DIR || path.join(os.homedir(), '.cache', 'ajx-hub');
  const target = path.join(cache, `kafka-connect-debezium-${version}`, 'libs');
  if (!fs.existsSync(path.join(target, '.complete'))) {
    log(`fetching Kafka Connect and Debezium JDBC sink ${version} from Maven Central into ${target} (once)`);
    fs.mkdirSync(target, { recursive: true });
    const mvn = spawnSync(
      'mvn',
      ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${target}`, '-DincludeScope=runtime'],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (mvn.status !== 0) throw new Error('could not resolve the Kafka Connect peer with Maven');
    fs.writeFileSync(path.join(target, '.complete'), `${version}\n`);
  }
  return `${target}/*`;
}

const SCHEMA = {
  type: 'struct',
  name: 'ajx.bench.DepartmentRow',
  optional: false,
  fields: [
    { field: 'department_id', type: 'string', optional: false },
    { field: 'event_id', type: 'string', optional: false },
    { field: 'data', type: 'string', optional: false, name: 'io.debezium.data.Json' },
  ],
};

export async function runKafkaConnectPeer(
  kafka: Kafka,
  db: DataSource,
  databaseUrl: string,
  brokers: string[],
  brokerPid: number,
  records: LimitRecords,
  dir: string,
): Promise<Ceiling> {
  const classpath = connectClasspath();
  await new TopicAdmin(kafka).ensure([{ name: TOPIC, partitions: 12, retentionMs: 3600_000, cleanupPolicy: 'delete' }]);
  const producer = new EventProducer(kafka);
  await producer.connect();
  let batch: { key: string; value: string }[] = [];
  const flush = async () => {
    if (batch.length) await producer.send([{ topic: TOPIC, messages: batch }]);
    batch = [];
  };
  for (const e of records.events) {
    const data = JSON.stringify(e.data);
    for (const department of e.departments) {
      batch.push({
        key: `${department}/${e.event_id}`,
        value: JSON.stringify({ schema: SCHEMA, payload: { department_id: department, event_id: e.event_id, data } }),
      });
      if (batch.length >= 2000) await flush();
    }
  }
  await flush();
  await producer.disconnect();
  log(`peer: ${records.rows} rows queued for Kafka Connect`);

  await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await db.query(`CREATE TABLE ${TABLE} (department_id text NOT NULL, event_id uuid NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (department_id, event_id))`);

  const pg = new URL(databaseUrl);
  const work = path.join(dir, 'kafka-connect');
  fs.mkdirSync(work, { recursive: true });
  const worker = path.join(work, 'worker.properties');
  const connector = path.join(work, 'jdbc-sink.properties');
  fs.writeFileSync(
    worker,
    [
      `bootstrap.servers=${brokers.join(',')}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable=true',
      `offset.storage.file.filename=${path.join(work, 'offsets')}`,
      'offset.flush.interval.ms=1000',
      'plugin.discovery=only_scan',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    connector,
    [
      'name=ajx-bench-peer',
      'connector.class=io.debezium.connector.jdbc.JdbcSinkConnector',
      'tasks.max=4',
      `topics=${TOPIC}`,
      `connection.url=jdbc:postgresql://${pg.hostname}:${pg.port || 5432}${pg.pathname}?stringtype=unspecified`,
      `connection.username=${decodeURIComponent(pg.username) || 'postgres'}`,
      `connection.password=${decodeURIComponent(pg.password)}`,
      'insert.mode=upsert',
      'delete.enabled=false',
      'primary.key.mode=record_value',
      'primary.key.fields=department_id,event_id',
      'schema.evolution=none',
      `collection.name.format=${TABLE}`,
      `table.name.format=${TABLE}`,
      'consumer.override.auto.offset.reset=earliest',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(work, 'log4j.properties'),
    'log4j.rootLogger=WARN, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\n' +
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stdout.layout.ConversionPattern=%d %p %c: %m%n\n',
  );
  const out = fs.openSync(path.join(work, 'connect.log'), 'a');
  const java = spawn(
    'java',
    [
      '-Xmx1g',
      `-Dlog4j.configuration=file:${path.join(work, 'log4j.properties')}`,
      '-cp',
      classpath,
      'org.apache.kafka.connect.cli.ConnectStandalone',
      worker,
      connector,
    ],
    { stdio: ['ignore', out, out] },
  );
  const workerState = { exited: null as number | null };
  java.on('exit', (code) => (workerState.exited = code ?? -1));
  try {
    const count = async () => (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${TABLE}`))[0].n;
    const cpu = () => (sampleProc(java.pid!)?.cpuSeconds ?? 0) + (sampleProc(brokerPid)?.cpuSeconds ?? 0);
    let startedAt = 0;
    let cpuBefore = 0;
    let pgBefore = 0;
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      if (workerState.exited !== null)
        throw new Error(`Kafka Connect exited (${workerState.exited}); see ${path.join(work, 'connect.log')}`);
      if (Date.now() > deadline) throw new Error('Kafka Connect did not write every row in 30 minutes');
      const n = await count();
      if (!startedAt && n > 0) {
        startedAt = Date.now();
        cpuBefore = cpu();
        pgBefore = cpuOfPostgres(databaseUrl);
      }
      if (n >= records.rows) break;
      await new Promise((r) => setTimeout(r, startedAt ? 100 : 250));
    }
    const finishedAt = Date.now();
    const used = cpu() - cpuBefore + (cpuOfPostgres(databaseUrl) - pgBefore);
    const seconds = Math.max(0.001, (finishedAt - startedAt) / 1000);
    return {
      name: 'peer: Kafka Connect + Debezium JDBC sink (upsert)',
      records: records.events.length,
      rows: records.rows,
      seconds: Number(seconds.toFixed(2)),
      recordsPerSecond: Math.round(records.events.length / seconds),
      rowsPerSecond: Math.round(records.rows / seconds),
      cpuMicrosPerRecord: Math.round((used / records.events.length) * 1e6),
    };
  } finally {
    java.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (workerState.exited === null) java.kill('SIGKILL');
    fs.closeSync(out);
    await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
  }
}
