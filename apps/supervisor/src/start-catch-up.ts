import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type CatchUpOutcome, ConsumerCatchUp, KAFKA } from '@ajx/messaging';
import type { Kafka } from 'kafkajs';
import { supervisorConsumer } from './supervisor-consumer';
import { SupervisorConfig } from './supervisor.config';
import { SupervisorMetrics } from './supervisor.metrics';

/**
 * Holds full evaluations until the supervisor's consumer has handled the canonical backlog present at start. The
 * versions the rules read come from that topic while the register comes from PostgreSQL: an evaluation run before
 * the backlog is consumed sees enterprises the register requires insured without their policies, and opens findings
 * (UNINSURED …) that the next batch resolves — listed as resolved findings and sent to department feeds ever after.
 * The end offsets at start are the mark; messages produced later are live traffic and never extend the wait. Kafka
 * that does not answer is retried until AJX_SUPERVISION_START_CATCHUP_TIMEOUT_MS, then evaluations go on anyway.
 */
@Injectable()
export class StartCatchUp implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StartCatchUp.name);
  private readonly catchUp: ConsumerCatchUp;
  private outcome: Promise<CatchUpOutcome> | undefined;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    config: SupervisorConfig,
    private readonly metrics: SupervisorMetrics,
  ) {
    const { groupId, topic } = supervisorConsumer(config);
    this.catchUp = new ConsumerCatchUp({
      kafka,
      groupId,
      topics: [topic],
      timeoutMs: config.AJX_SUPERVISION_START_CATCHUP_TIMEOUT_MS,
      logger: this.logger,
      onProgress: (remaining) => {
        if (remaining !== null) metrics.startBacklog.set(remaining);
      },
    });
  }

  onApplicationBootstrap(): void {
    void this.passed();
  }

  /** Resolves once full evaluations may run: the backlog is handled, the wait timed out, or the service stops. */
  passed(): Promise<CatchUpOutcome> {
    const started = Date.now();
    this.outcome ??= this.catchUp.wait().then((outcome) => {
      this.metrics.startBacklog.set(0);
      if (outcome === 'caught-up') {
        this.logger.log(`canonical backlog at start handled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      return outcome;
    });
    return this.outcome;
  }

  /** Ends the wait (the worker then never starts taking jobs); the scheduler calls it before closing its worker. */
  stop(): void {
    this.catchUp.stop();
  }

  beforeApplicationShutdown(): void {
    this.stop();
  }
}
