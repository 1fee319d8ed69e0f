import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  adapterStateTopicName,
  adapterTransactionalId,
  type AdapterCheckpoint,
  AdapterCheckpointFormatError,
  decodeAdapterCheckpointMessage,
  encodeAdapterCheckpointMessage,
  rawTopicName,
} from '@ajx/contracts';
import { fileParserFor, type InsurerFileParser } from '@ajx/domain';
import { AcknowledgedSender, type OutgoingMessage, readTopicToEnd } from '@ajx/messaging';
import { type Kafka, KafkaJSError, Partitioners, type Producer } from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';
import { advance, CheckpointTable, resumePoint } from './checkpoint';
import { DropFolder } from './drop-folder';
import { rawRecordMessage } from './raw-message';
import { SettleTracker } from './stability';

export interface AdapterRunnerOptions {
  insurer: string;
  dropDir: string;
  /** How long a file's size and mtime must stay unchanged before it is taken. */
  settleMs: number;
  pollMs: number;
  /** Records per Kafka transaction (one checkpoint each). */
  chunkRecords: number;
  topicPrefix: string;
}

export interface AdapterReceipt {
  batchId: string;
  insurer: string;
  sha256: string;
  file: string;
  bytes: number;
  records: number;
  chunks: number;
  startedAt: string;
  finishedAt: string;
  /** true when the file had been published completely before (nothing was published again). */
  alreadyPublished: boolean;
}

export interface AdapterRejectReceipt {
  insurer: string;
  sha256: string;
  file: string;
  bytes: number;
  code: 'MALFORMED_FILE' | 'UNKNOWN_INSURER';
  reason: string;
  rejectedAt: string;
}

/** Errors that no retry fixes until an operator changes credentials or ACLs. */
const AUTH_ERRORS = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
]);

function describe(err: unknown): string {
  const type = (err as { type?: string }).type;
  if (type && AUTH_ERRORS.has(type)) {
    return `the broker refused this adapter's identity (${type}): the Kafka user may publish only its own insurer's topic; ${(err as Error).message}`;
  }
  if (err instanceof KafkaJSError && /SASL|authentication/i.test(err.message)) {
    return `Kafka authentication failed: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

export class AdapterMetrics {
  readonly filesProcessed: Counter;
  readonly filesRejected: Counter;
  readonly recordsPublished: Counter;
  readonly lastSuccess: Gauge;
  readonly chunksCommitted: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.filesProcessed = new Counter({
      name: 'ajx_adapter_files_processed_total',
      help: 'Files published completely (or found already published) and moved to processed/',
      labelNames: ['insurer'],
      registers,
    });
    this.filesRejected = new Counter({
      name: 'ajx_adapter_files_rejected_total',
      help: 'Files moved to rejected/ (not whole), by reason',
      labelNames: ['insurer', 'code'],
      registers,
    });
    this.recordsPublished = new Counter({
      name: 'ajx_adapter_records_published_total',
      help: 'Raw records published in committed transactions',
      labelNames: ['insurer'],
      registers,
    });
    this.chunksCommitted = new Counter({
      name: 'ajx_adapter_chunks_committed_total',
      help: 'Kafka transactions committed (records + checkpoint)',
      labelNames: ['insurer'],
      registers,
    });
    this.lastSuccess = new Gauge({
      name: 'ajx_adapter_last_success_timestamp_seconds',
      help: 'When the last file was processed',
      labelNames: ['insurer'],
      registers,
    });
  }
}

/**
 * An insurer's adapter as a standalone process: takes settled, whole files from a drop folder and publishes their
 * raw records to `ajx.raw.v1.<INSURER>` with the insurer's own Kafka identity, exactly once across crashes:
 * records go out in Kafka transactions (transactional id `ajx-adapter.<INSURER>.tx`) that also write the file's
 * checkpoint to `ajx.adapter-state.v1.<INSURER>`, so a crash aborts the open chunk and a restart resumes after the
 * last committed checkpoint (ADR 0007).
 */
export class AdapterRunner {
  private readonly logger: Logger;
  private readonly folder: DropFolder;
  private readonly settle: SettleTracker;
  private readonly checkpoints = new CheckpointTable();
  private readonly adapter: InsurerFileParser | undefined;
  private readonly sender: AcknowledgedSender;
  private producer: Producer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastError: string | null = 'not started';
  private failures = 0;
  private retryAt = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: AdapterRunnerOptions,
    private readonly metrics: AdapterMetrics,
  ) {
    this.logger = new Logger(`AdapterRunner ${options.insurer}`);
    this.folder = new DropFolder(options.dropDir);
    this.settle = new SettleTracker(options.settleMs);
    this.adapter = fileParserFor(options.insurer);
    this.sender = new AcknowledgedSender(kafka);
  }

  get rawTopic(): string {
    return this.options.topicPrefix + rawTopicName(this.options.insurer);
  }

  get stateTopic(): string {
    return this.options.topicPrefix + adapterStateTopicName(this.options.insurer);
  }

  /** Ready = connected with the transactional id, checkpoints loaded and the last round without error. */
  status(): { ready: boolean; error: string | null } {
    return { ready: this.producer !== null && this.lastError === null, error: this.lastError };
  }

  start(): void {
    if (!this.adapter) throw new Error(`no adapter is registered for insurer ${this.options.insurer}`);
    const tick = () => {
      if (this.stopped || this.running || Date.now() < this.retryAt) return;
      this.running = this.round()
        .then(() => {
          this.failures = 0;
        })
        .catch((err: unknown) => {
          this.lastError = describe(err);
          this.logger.error(this.lastError);
          // Back off (1 s doubling to 30 s): a refused identity stays refused until an operator acts.
          this.retryAt = Date.now() + Math.min(30_000, 1000 * 2 ** Math.min(this.failures++, 5));
          return this.disconnect();
        })
        .finally(() => {
          this.running = null;
        });
    };
    this.timer = setInterval(tick, this.options.pollMs);
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await this.running;
    await this.disconnect();
  }

  /** Resolves when no round is running (tests use it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    await p?.disconnect().catch(() => undefined);
    await this.sender.close();
  }

  /**
   * Connects the transactional producer and fences any earlier instance (its open transaction is aborted), then
   * loads the committed checkpoints. Done again after any error, so a round always starts from committed state.
   */
  private async connect(): Promise<Producer> {
    await this.checkAccess();
    const producer = this.kafka.producer({
      transactionalId: `${this.options.topicPrefix}${adapterTransactionalId(this.options.insurer)}.tx`,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      transactionTimeout: 60000,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      // InitProducerId with the transactional id bumps the epoch: an earlier instance is fenced and its open
      // transaction aborted before we read the checkpoints.
      const fence = await producer.transaction();
      await fence.abort();
      await readTopicToEnd(
        this.kafka,
        this.stateTopic,
        (m) => {
          if (!m.value) return;
          try {
            const c = decodeAdapterCheckpointMessage(m);
            if (c.insurer === this.options.insurer) this.checkpoints.apply(c);
          } catch (err) {
            if (!(err instanceof AdapterCheckpointFormatError)) throw err;
            this.logger.warn(`ignoring an unreadable checkpoint at offset ${m.offset}: ${err.message}`);
          }
        },
        { groupId: `${this.options.topicPrefix}${adapterTransactionalId(this.options.insurer)}.state-${randomUUID()}` },
      );
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
    this.logger.log(`connected; ${this.checkpoints.size} file checkpoints loaded from ${this.stateTopic}`);
    return producer;
  }

  /**
   * Asks the broker for the metadata of the two topics the adapter writes: a user without access to them gets
   * TOPIC_AUTHORIZATION_FAILED here, a clearer answer than the transaction coordinator lookup gives.
   */
  private async checkAccess(): Promise<void> {
    const admin = this.kafka.admin({ retry: { retries: 1 } });
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [this.rawTopic, this.stateTopic] });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async round(): Promise<void> {
    if (!this.producer) this.producer = await this.connect();
    const files = await this.folder.list();
    const now = Date.now();
    this.settle.retain(new Set(files.map((f) => f.name)));
    for (const f of files) {
      if (this.stopped) return;
      if (SettleTracker.ignored(f.name) || f.name.endsWith('.receipt.json')) continue;
      if (!this.settle.observe(f.name, f, now)) continue;
      await this.processFile(f.name, this.producer);
      this.settle.forget(f.name);
    }
    this.lastError = null;
  }

  private async processFile(name: string, producer: Producer): Promise<void> {
    const adapter = this.adapter!;
    const insurer = this.options.insurer;
    const { sha256, bytes } = await this.folder.hash(name);
    const previous = this.checkpoints.get(sha256);
    if (previous?.done) {
      await this.finish(name, previous, bytes, true);
      return;
    }
    const open = this.folder.opener(name);
    if (!previous) {
      const check = await adapter.checkContainer(open);
      if (!check.ok) {
        const receipt: AdapterRejectReceipt = {
          insurer,
          sha256,
          file: name,
          bytes,
          code: 'MALFORMED_FILE',
          reason: check.message,
          rejectedAt: new Date().toISOString(),
        };
        await this.folder.moveAside(name, 'rejected', { ...receipt }, sha256);
        this.metrics.filesRejected.inc({ insurer, code: 'MALFORMED_FILE' });
        this.logger.warn(`${name} rejected (MALFORMED_FILE): ${check.message}; nothing was published`);
        return;
      }
    }
    let cp = resumePoint(insurer, sha256, name, previous, new Date());
    if (cp.published > 0) this.logger.log(`${name}: resuming batch ${cp.batchId} after record ${cp.published}`);
    const acceptedAt = new Date(cp.startedAt);
    // The batch announcement on every record (the normaliser registers the batch from it: the batch report): the
    // file's records are counted first, in a pass that publishes nothing.
    let records = 0;
    for await (const raw of adapter.records(open)) records = Math.max(records, raw.recordIndex);
    const batch = records > 0 ? { records, sha256, bytes, file: name } : undefined;
    let chunk: OutgoingMessage[] = [];
    let index = 0;
    const commit = async (done: boolean) => {
      const next = advance(cp, index, done, new Date());
      await this.commitChunk(producer, chunk, next);
      this.metrics.recordsPublished.inc({ insurer }, chunk.length);
      this.metrics.chunksCommitted.inc({ insurer });
      this.checkpoints.apply(next);
      cp = next;
      chunk = [];
    };
    for await (const raw of adapter.records(open)) {
      index = raw.recordIndex;
      if (index <= cp.published) continue;
      chunk.push(rawRecordMessage(cp.batchId, acceptedAt, raw, batch));
      if (chunk.length >= this.options.chunkRecords) await commit(false);
      if (this.stopped) return;
    }
    index = Math.max(index, cp.published);
    await commit(true);
    await this.finish(name, cp, bytes, false);
  }

  /**
   * One Kafka transaction: the chunk's raw records and the checkpoint that accounts for them. Committed only when
   * every partition of both is acknowledged (AcknowledgedSender: kafkajs may leave a partition out when a broker
   * dies during the send, and a commit would then record a checkpoint for records never written).
   */
  private async commitChunk(producer: Producer, messages: OutgoingMessage[], checkpoint: AdapterCheckpoint) {
    const txn = await producer.transaction();
    try {
      await this.sender.send(txn, [
        { topic: this.rawTopic, messages },
        { topic: this.stateTopic, messages: [encodeAdapterCheckpointMessage(checkpoint)] },
      ]);
      await txn.commit();
    } catch (err) {
      await txn.abort().catch(() => undefined);
      throw err;
    }
  }

  private async finish(name: string, cp: AdapterCheckpoint, bytes: number, alreadyPublished: boolean) {
    const receipt: AdapterReceipt = {
      batchId: cp.batchId,
      insurer: cp.insurer,
      sha256: cp.sha256,
      file: name,
      bytes,
      records: cp.published,
      chunks: cp.chunks,
      startedAt: cp.startedAt,
      finishedAt: alreadyPublished ? cp.updatedAt : new Date().toISOString(),
      alreadyPublished,
    };
    await this.folder.moveAside(name, 'processed', { ...receipt }, cp.sha256);
    this.metrics.filesProcessed.inc({ insurer: cp.insurer });
    this.metrics.lastSuccess.set({ insurer: cp.insurer }, Date.now() / 1000);
    this.logger.log(
      alreadyPublished
        ? `${name}: already published as batch ${cp.batchId}; moved aside, nothing published again`
        : `${name}: published ${cp.published} records as batch ${cp.batchId} in ${cp.chunks} transactions`,
    );
  }
}
