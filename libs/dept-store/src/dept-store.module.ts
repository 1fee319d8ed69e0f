import { type DynamicModule, Logger, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { dataSourceOptions, type PgConnection } from '@ajx/persistence';
import { DataSource } from 'typeorm';
import { DeptFeedRepository } from './dept-feed.repository';
import { DeptPersonalDataRepository } from './dept-personal-data.repository';
import { DeptProjectionWriter } from './dept-projection.writer';
import { DeptViewRepository } from './dept-view.repository';
import { FeedWakeups } from './feed-wakeups';
import { UrgentEscalationRepository } from './urgent-escalation.repository';
import { ProjectionJobsRepository } from './projection-jobs.repository';
import { ReportAnnouncer } from './report-announcer.repository';
import { DeptWebhookReadRepository, WebhookOutboxRepository } from './webhook-outbox.repository';

const SERVICE_REPOSITORIES = [
  DeptProjectionWriter,
  ProjectionJobsRepository,
  UrgentEscalationRepository,
  WebhookOutboxRepository,
  DeptPersonalDataRepository,
  ReportAnnouncer,
];

/**
 * The department store's repositories on the service connection (the role that owns the tables): projection, jobs,
 * escalations, the webhook outbox and the redaction of personal data. Department reads are registered by {@link DeptReadModule}.
 */
@Module({ providers: SERVICE_REPOSITORIES, exports: SERVICE_REPOSITORIES })
export class DeptStoreModule {}

/**
 * Its own pool as role `ajx_api` (neither superuser nor owner): the database isolates departments on it. URL (with
 * the role's password) and TLS as `pgConnectionFor` gives them.
 */
export interface DeptApiConnection extends PgConnection {
  poolSize: number;
  applicationName: string;
}

export interface DeptReadOptions {
  /**
   * Where the scoped read repositories run: `service`, the service connection (trusted code, e.g. the notifier,
   * which reads every department's feed), or the department API's own pool as role `ajx_api` (row-level security).
   */
  connection: 'service' | DeptApiConnection;
  /** The connection (URL and TLS) the feed wake-ups LISTEN on. */
  wakeups: PgConnection;
}

const READ_OPTIONS = Symbol('DeptReadOptions');

/** The connection the read repositories use; closed at shutdown when it is the API's own pool. */
export class DeptReadConnection implements OnApplicationShutdown {
  readonly db: DataSource;
  private readonly owned: boolean;

  constructor(o: DeptReadOptions, service: DataSource) {
    this.owned = o.connection !== 'service';
    this.db =
      o.connection === 'service'
        ? service
        : new DataSource(
            dataSourceOptions({
              url: o.connection.url,
              ssl: o.connection.ssl,
              poolSize: o.connection.poolSize,
              applicationName: o.connection.applicationName,
            }),
          );
  }

  async connect(): Promise<void> {
    if (this.owned && !this.db.isInitialized) await this.db.initialize();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.owned && this.db.isInitialized) await this.db.destroy();
  }
}

/**
 * Department reads: the scoped repositories of views, feeds and webhook state (every query sets the department for
 * row-level security) on the connection the app names, and the feed wake-ups. Registered once by the app (global).
 */
@Module({})
export class DeptReadModule {
  static forRoot(options: DeptReadOptions): DynamicModule {
    const onConnection = <T>(make: (db: DataSource) => T) => ({
      inject: [DeptReadConnection],
      useFactory: (c: DeptReadConnection) => make(c.db),
    });
    const providers: Provider[] = [
      { provide: READ_OPTIONS, useValue: options },
      {
        provide: DeptReadConnection,
        inject: [READ_OPTIONS, DataSource],
        useFactory: async (o: DeptReadOptions, service: DataSource) => {
          const c = new DeptReadConnection(o, service);
          await c.connect();
          return c;
        },
      },
      { provide: DeptViewRepository, ...onConnection((db) => new DeptViewRepository(db)) },
      { provide: DeptFeedRepository, ...onConnection((db) => new DeptFeedRepository(db)) },
      { provide: DeptWebhookReadRepository, ...onConnection((db) => new DeptWebhookReadRepository(db)) },
      {
        provide: FeedWakeups,
        useFactory: async () => {
          const logger = new Logger(FeedWakeups.name);
          const w = new FeedWakeups(options.wakeups, (m) => logger.warn(m));
          await w.start();
          return w;
        },
      },
    ];
    return {
      module: DeptReadModule,
      global: true,
      providers,
      exports: [DeptReadConnection, DeptViewRepository, DeptFeedRepository, DeptWebhookReadRepository, FeedWakeups],
    };
  }
}
