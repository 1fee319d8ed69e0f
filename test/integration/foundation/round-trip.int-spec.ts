import { Controller, type DynamicModule, Injectable, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CommonConfig } from '@ajx/config';
import { EventProducer, KAFKA, KafkaBatchServer, type MessageBatch, TopicAdmin } from '@ajx/messaging';
import { ServiceRuntimeModule, type ServiceDefinition } from '@ajx/platform';
import {
  createTestDatabase,
  startService,
  type StartedService,
  testConfig,
  testNamespace,
  waitFor,
} from '@ajx/testing';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

/*
 * The foundation's round trip on the real stack: messages produced to Kafka are consumed in batches by a
 * NestJS hybrid app through the project's batch transport, written to PostgreSQL, and read back; offsets are
 * committed only after the write, and the app answers /health/ready and /metrics.
 */

const TOPIC = 'foundation.roundtrip';
const PATTERN = 'roundtrip';

@Injectable()
class RoundTripRepository {
  constructor(private readonly db: DataSource) {}

  async insert(rows: { key: string; body: string; partition: number; offset: string }[]): Promise<void> {
    await this.db.query(
      `INSERT INTO roundtrip_messages (key, body, kafka_partition, kafka_offset)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[])
       ON CONFLICT (kafka_partition, kafka_offset) DO NOTHING`,
      [rows.map((r) => r.key), rows.map((r) => r.body), rows.map((r) => r.partition), rows.map((r) => r.offset)],
    );
  }
}

@Controller()
class RoundTripHandler {
  static batches = 0;
  constructor(private readonly repo: RoundTripRepository) {}

  @EventPattern(PATTERN)
  async onBatch(@Payload() batch: MessageBatch): Promise<void> {
    RoundTripHandler.batches++;
    await this.repo.insert(
      batch.messages.map((m) => ({
        key: m.key?.toString() ?? '',
        body: m.value?.toString() ?? '',
        partition: m.partition,
        offset: m.offset,
      })),
    );
  }
}

@Module({})
class RoundTripModule {
  static forRoot(config: CommonConfig): DynamicModule {
    return {
      module: RoundTripModule,
      imports: [
        ServiceRuntimeModule.forService({
          name: 'roundtrip',
          schema: CommonConfig,
          config,
          uses: { kafka: true, postgres: true, redis: true },
        }),
      ],
      controllers: [RoundTripHandler],
      providers: [RoundTripRepository],
    };
  }
}

describe('foundation round trip (Kafka → NestJS batch consumer → PostgreSQL)', () => {
  const ns = testNamespace('roundtrip');
  let config: CommonConfig;
  let server: KafkaBatchServer;
  let service: StartedService;

  const definition: ServiceDefinition<CommonConfig> = {
    name: 'roundtrip',
    schema: CommonConfig,
    module: (c) => RoundTripModule.forRoot(c),
    port: () => 0,
    transport: (app, c) =>
      (server = new KafkaBatchServer({
        kafka: app.get<Kafka>(KAFKA),
        groupId: `${c.AJX_TOPIC_PREFIX}roundtrip`,
        subscriptions: [{ pattern: PATTERN, topics: [c.AJX_TOPIC_PREFIX + TOPIC] }],
        maxMessagesPerCall: 50,
      })),
  };

  beforeAll(async () => {
    config = testConfig(CommonConfig, ns, await createTestDatabase());
    const { createKafka } = await import('@ajx/messaging');
    const kafka = createKafka({ brokers: config.AJX_KAFKA_BROKERS, clientId: 'test-admin' });
    await new TopicAdmin(kafka, ns.topicPrefix).ensure([
      { name: TOPIC, partitions: 3, retentionMs: -1, cleanupPolicy: 'delete' },
    ]);
    service = await startService(definition, config);
    await service.app.get(DataSource).query(
      `CREATE TABLE IF NOT EXISTS roundtrip_messages (key text, body text, kafka_partition int, kafka_offset bigint,
           PRIMARY KEY (kafka_partition, kafka_offset))`,
    );
    await server.waitForJoin();
  });

  afterAll(async () => {
    await service?.close();
  });

  it('delivers every produced message to PostgreSQL once and commits the offsets after the write', async () => {
    const producer = service.app.get(EventProducer);
    const messages = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 17}`, value: `message ${i}` }));
    await producer.send([{ topic: TOPIC, messages }]);

    const db = service.app.get(DataSource);
    await waitFor(
      async () => {
        const [{ n }] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM roundtrip_messages');
        return n === 300 || undefined;
      },
      { what: '300 rows in PostgreSQL' },
    );
    const bodies = (await db.query<{ body: string }[]>('SELECT body FROM roundtrip_messages')).map((r) => r.body);
    expect(new Set(bodies)).toEqual(new Set(messages.map((m) => m.value)));
    expect(RoundTripHandler.batches).toBeGreaterThan(0);

    const kafka = service.app.get<Kafka>(KAFKA);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const committed = await waitFor(
        async () => {
          const offsets = await admin.fetchOffsets({
            groupId: `${ns.topicPrefix}roundtrip`,
            topics: [ns.topicPrefix + TOPIC],
          });
          const total = offsets[0].partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
          return total === 300 ? total : undefined;
        },
        { what: 'committed offsets to reach 300' },
      );
      expect(committed).toBe(300);
    } finally {
      await admin.disconnect();
    }
  });

  it('answers /health/ready with every dependency up and serves Prometheus metrics', async () => {
    const ready = await fetch(`${service.url}/health/ready`);
    const body = (await ready.json()) as { status: string; info: Record<string, { status: string }> };
    expect(ready.status).toBe(200);
    expect(Object.keys(body.info).sort()).toEqual(['kafka', 'postgres', 'redis']);
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toContain('ajx_process_cpu_user_seconds_total');
    expect(metrics).toContain('service="roundtrip"');
  });
});
