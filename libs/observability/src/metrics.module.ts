import http from 'node:http';
import {
  Controller,
  type DynamicModule,
  Get,
  Global,
  Header,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { OperatorRoute, PublicRoute, type RouteAccess } from './route-access';

/** The process's Prometheus registry; inject it to register counters and histograms. */
export class MetricsRegistry extends Registry {}

const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

@ApiExcludeController()
@PublicRoute()
@Controller('metrics')
export class PublicMetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

/** `/metrics` for operators only: the API port of the gateway faces insurers and departments. */
@ApiExcludeController()
@OperatorRoute()
@Controller('metrics')
export class OperatorMetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

export interface MetricsOptions {
  /** Where `/metrics` is served: on the service's own port (`public` or `operator` only) or on a port of its own. */
  serve: { on: 'api'; access: RouteAccess } | { on: 'port'; host: string; port: number };
}

const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');

/** A plain listener that answers GET /metrics only, apart from the API (AJX_METRICS_PORT). */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: http.Server | null = null;
  private readonly logger = new Logger(MetricsListener.name);

  constructor(
    private readonly registry: MetricsRegistry,
    @Inject(METRICS_OPTIONS) private readonly options: MetricsOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const serve = this.options.serve;
    if (serve.on !== 'port') return;
    const server = http.createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }).end(text),
        (err: unknown) => res.writeHead(500).end(err instanceof Error ? err.message : String(err)),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(serve.port, serve.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`metrics on http://${serve.host}:${serve.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

@Global()
@Module({})
export class MetricsModule {
  static forService(service: string, options: MetricsOptions): DynamicModule {
    const registry = new MetricsRegistry();
    registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: registry, prefix: 'ajx_' });
    const controllers: Type[] =
      options.serve.on === 'port'
        ? []
        : [options.serve.access === 'public' ? PublicMetricsController : OperatorMetricsController];
    return {
      module: MetricsModule,
      controllers,
      providers: [
        { provide: MetricsRegistry, useValue: registry },
        { provide: METRICS_OPTIONS, useValue: options },
        MetricsListener,
      ],
      exports: [MetricsRegistry],
    };
  }
}
