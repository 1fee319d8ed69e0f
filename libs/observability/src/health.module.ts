import { Controller, type DynamicModule, Get, Inject, Module, type Type } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { READINESS_CHECKS, type ReadinessCheck, withTimeout } from './readiness';
import { PublicRoute } from './route-access';

const CHECK_TIMEOUT_MS = 3000;

@ApiExcludeController()
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  /** The process is up and its event loop answers. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Every dependency answers (503 with the failing ones otherwise). */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      this.checks.map((c) => async () => {
        const session = this.indicators.check(c.name);
        try {
          await withTimeout(c.check(), CHECK_TIMEOUT_MS, c.name);
          return session.up();
        } catch (err) {
          return session.down({ message: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
  }
}

/**
 * /health/live and /health/ready. The checks are classes provided by the infrastructure modules the app
 * imports (KafkaReadiness, PostgresReadiness, RedisReadiness …).
 */
@Module({})
export class HealthModule {
  static forChecks(checks: Type<ReadinessCheck>[]): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: READINESS_CHECKS, useFactory: (...all: ReadinessCheck[]) => all, inject: checks }],
    };
  }
}
