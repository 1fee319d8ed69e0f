import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditLog, AuditSealer } from '@ajx/audit';
import { DataSource } from 'typeorm';
import { InterchangeConfig } from '../interchange.config';
import { EndpointSender, type SenderStatus } from './endpoint-sender';
import { InterchangeMetrics } from './interchange.metrics';
import { ProvinceClient } from './province.client';

/** One `EndpointSender` per endpoint that pushes (real-time or scheduled), started with the app. */
@Injectable()
export class InterchangeSenders implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InterchangeSenders.name);
  private readonly senders = new Map<string, EndpointSender>();

  constructor(
    private readonly config: InterchangeConfig,
    private readonly db: DataSource,
    private readonly client: ProvinceClient,
    private readonly audit: AuditLog,
    private readonly sealer: AuditSealer,
    private readonly metrics: InterchangeMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const c = this.config;
    for (const endpoint of c.endpoints()) {
      if (endpoint.mode === 'off') continue;
      const sender = new EndpointSender(
        endpoint,
        {
          sender: c.AJX_INTERCHANGE_SENDER,
          pollMs: c.AJX_INTERCHANGE_POLL_MS,
          standbyMs: c.AJX_INTERCHANGE_STANDBY_MS,
          retryBaseMs: c.AJX_INTERCHANGE_RETRY_BASE_MS,
          retryMaxMs: c.AJX_INTERCHANGE_RETRY_MAX_MS,
          manifestLookbackDays: c.AJX_INTERCHANGE_MANIFEST_LOOKBACK_DAYS,
        },
        { db: this.db, client: this.client, audit: this.audit, anchors: this.sealer, metrics: this.metrics },
      );
      this.senders.set(endpoint.id, sender);
      sender.start();
    }
    const list = c.endpoints().map((e) => `${e.id} (province ${e.province}, ${e.mode})`);
    this.logger.log(
      list.length ? `endpoints: ${list.join(', ')}` : 'no endpoints configured (AJX_INTERCHANGE_ENDPOINTS)',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.senders.values()].map((s) => s.stop()));
  }

  /** Cuts the idle wait of one endpoint's sender (or all) short. */
  wake(endpointId?: string): void {
    for (const [id, s] of this.senders) if (endpointId === undefined || id === endpointId) s.wake();
  }

  /** Ids of the endpoints that push. */
  pushing(): string[] {
    return [...this.senders.keys()];
  }

  statuses(): SenderStatus[] {
    return [...this.senders.values()].map((s) => s.status());
  }
}
