import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DeptFeedRepository, DeptViewRepository, DeptWebhookReadRepository } from '@ajx/dept-store';
import { MetricsRegistry } from '@ajx/observability';
import { dataSourceOptions, registerPoolMetrics } from '@ajx/persistence';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../gateway.config';

/**
 * The department API's own connection pool, as role `ajx_api`: the database enforces department isolation on it
 * (row-level security), whatever the application code does.
 */
@Injectable()
export class DeptReadDatabase implements OnApplicationShutdown {
  readonly db: DataSource;
  readonly views: DeptViewRepository;
  readonly feed: DeptFeedRepository;
  readonly webhooks: DeptWebhookReadRepository;

  constructor(config: GatewayConfig, metrics: MetricsRegistry) {
    this.db = new DataSource(
      dataSourceOptions({
        ...config.apiConnection(),
        poolSize: config.AJX_DATABASE_POOL_SIZE,
        applicationName: 'ajx-gateway-dept',
      }),
    );
    registerPoolMetrics(metrics, 'api', this.db);
    this.views = new DeptViewRepository(this.db);
    this.feed = new DeptFeedRepository(this.db);
    this.webhooks = new DeptWebhookReadRepository(this.db);
  }

  async connect(): Promise<void> {
    if (!this.db.isInitialized) await this.db.initialize();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
  }
}
