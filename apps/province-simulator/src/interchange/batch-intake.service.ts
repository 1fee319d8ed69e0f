import { Injectable } from '@nestjs/common';
import {
  assertSenderAllowed,
  type BatchAck,
  batchContentDigest,
  formatBeijingDateTime,
  type HeaderBag,
  parseBatch,
} from '@ajx/interchange-protocol';
import { MetricsRegistry } from '@ajx/observability';
import { Counter } from 'prom-client';
import { DeliveryLogRepository } from '../database/delivery-log.repository';
import { ProvinceSimulatorConfig } from '../province-simulator.config';
import { RequestAuthenticator } from './request-authenticator';

/**
 * The receiving side of a pushed batch: signature, then the batch itself, then the log. A batch is logged whole
 * and as received; only its id is deduplicated (a known id with the same content is acknowledged again).
 */
@Injectable()
export class BatchIntakeService {
  private readonly batches: Counter<'status'>;
  private readonly entries: Counter<'kind'>;

  constructor(
    private readonly config: ProvinceSimulatorConfig,
    private readonly auth: RequestAuthenticator,
    private readonly log: DeliveryLogRepository,
    metrics: MetricsRegistry,
  ) {
    this.batches = new Counter({
      name: 'ajx_province_sim_batches_total',
      help: 'Batches answered with an acknowledgement, by status',
      labelNames: ['status'],
      registers: [metrics],
    });
    this.entries = new Counter({
      name: 'ajx_province_sim_entries_total',
      help: 'Entries logged, first arrivals and duplicates',
      labelNames: ['kind'],
      registers: [metrics],
    });
  }

  async receive(body: Buffer, headers: HeaderBag): Promise<BatchAck> {
    const { key, replay } = this.auth.authenticate(headers, body);
    const batch = parseBatch(body, {
      province: this.config.AJX_PROVINCE_CODE,
      maxEntries: this.config.AJX_PROVINCE_SIM_MAX_ENTRIES,
    });
    assertSenderAllowed(key, batch.sender);
    const outcome = await this.log.recordBatch({
      batchId: batch.batchId,
      sender: batch.sender,
      mode: batch.mode,
      resendOf: batch.resendOf,
      contentDigest: batchContentDigest(batch.entries),
      keyId: key.keyId,
      sentAt: batch.createdAt,
      entries: batch.entries,
      signature: replay,
    });
    this.batches.inc({ status: outcome.status });
    if (outcome.status === 'accepted') {
      this.entries.inc({ kind: 'first' }, outcome.accepted - outcome.duplicateEntries);
      this.entries.inc({ kind: 'duplicate' }, outcome.duplicateEntries);
    }
    return { batchId: batch.batchId, ...outcome, acknowledgedAt: formatBeijingDateTime(Date.now()) };
  }
}
