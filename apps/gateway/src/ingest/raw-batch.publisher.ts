import { Injectable, Logger } from '@nestjs/common';
import { type RawRecord, rawTopicName } from '@ajx/contracts';
import { rawRecordMessage } from '@ajx/ingest';
import { fileParserFor } from '@ajx/domain';
import { EventProducer, type OutgoingMessage } from '@ajx/messaging';
import { MetricsRegistry } from '@ajx/observability';
import { PollingService } from '@ajx/platform';
import { Counter } from 'prom-client';
import { GatewayConfig } from '../gateway.config';
import { type BatchRow, IngestBatchRepository } from '@ajx/ingest-store';
import { UploadStore } from './upload-store';

const CHUNK = 1000;
const LEASE_MS = 60_000;
const POLL_MS = 2_000;

/** The raw Kafka message of one native record (the same as the insurer adapters publish: libs/ingest). */
export function rawMessage(batch: Pick<BatchRow, 'batch_id' | 'accepted_at'>, raw: RawRecord): OutgoingMessage {
  return rawRecordMessage(batch.batch_id, batch.accepted_at, raw);
}

/**
 * Publishes accepted uploads to `ajx.raw.v1.<INSURER>`, one message per record, from the stored file. Progress
 * and a lease are kept in PostgreSQL, so a crashed or restarted gateway (any instance) resumes where the last
 * acknowledged chunk ended; a chunk re-sent after a crash is deduplicated downstream.
 */
@Injectable()
export class RawBatchPublisher extends PollingService {
  private readonly logger = new Logger(RawBatchPublisher.name);
  private readonly published: Counter;

  constructor(
    private readonly batches: IngestBatchRepository,
    private readonly store: UploadStore,
    private readonly producer: EventProducer,
    private readonly config: GatewayConfig,
    metrics: MetricsRegistry,
  ) {
    super(RawBatchPublisher.name, POLL_MS);
    this.published = new Counter({
      name: 'ajx_gateway_raw_records_published_total',
      help: 'Raw records published to Kafka',
      labelNames: ['insurer'],
      registers: [metrics],
    });
  }

  /** Several batches are published at once (each under its own lease), so one large file does not hold up others. */
  protected async drain(stopped: () => boolean): Promise<void> {
    const lane = async () => {
      for (;;) {
        if (stopped()) return;
        const batch = await this.batches.leaseNextUnpublished(LEASE_MS);
        if (!batch) return;
        await this.publish(batch, stopped);
      }
    };
    await Promise.all(Array.from({ length: this.config.AJX_PUBLISH_CONCURRENCY }, lane));
  }

  private async publish(batch: BatchRow, stopped: () => boolean): Promise<void> {
    const adapter = fileParserFor(batch.insurer);
    if (!adapter) throw new Error(`no adapter for ${batch.insurer}`);
    const topic = rawTopicName(batch.insurer);
    let index = 0;
    let chunk: OutgoingMessage[] = [];
    const flush = async () => {
      if (chunk.length === 0) return true;
      await this.producer.send([{ topic, messages: chunk }]);
      this.published.inc({ insurer: batch.insurer }, chunk.length);
      chunk = [];
      return this.batches.progress(batch.batch_id, index, LEASE_MS);
    };
    for await (const raw of adapter.records(this.store.opener(batch.upload_path))) {
      index++;
      if (index <= batch.published) continue;
      chunk.push(rawMessage(batch, raw));
      if (chunk.length >= CHUNK && !(await flush())) {
        this.logger.warn(`lost the publishing lease of batch ${batch.batch_id}; another instance continues`);
        return;
      }
      if (stopped()) return;
    }
    if (!(await flush())) return;
    await this.batches.markPublished(batch.batch_id, index);
  }
}
