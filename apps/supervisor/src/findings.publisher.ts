import { Injectable } from '@nestjs/common';
import { encodeFindingMessage, Topics } from '@ajx/contracts';
import { EventProducer } from '@ajx/messaging';
import { PollingService } from '@ajx/platform';
import { findingMessageOf, SupervisionFindingsRepository } from '@ajx/supervision-store';
import { SupervisorConfig } from './supervisor.config';
import { SupervisorMetrics } from './supervisor.metrics';

const PAGE = 500;

/**
 * The findings table is its own outbox: every finding whose version is ahead of what was published goes to
 * `ajx.findings.v1` as its current state, and is marked published once Kafka acknowledged it. A crash between the
 * two sends it again (the router drops a version it has routed); several changes between two drains are one message
 * (the latest state). Drains after every evaluation and on a timer (reviews are written by the gateway).
 */
@Injectable()
export class FindingsPublisher extends PollingService {
  constructor(
    config: SupervisorConfig,
    private readonly findings: SupervisionFindingsRepository,
    private readonly producer: EventProducer,
    private readonly metrics: SupervisorMetrics,
  ) {
    super(FindingsPublisher.name, config.AJX_SUPERVISION_PUBLISH_POLL_MS, 'publishing findings failed');
  }

  protected async drain(stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      const page = await this.findings.unpublished(PAGE);
      this.metrics.unpublished.set(page.length);
      if (!page.length) return;
      const history = await this.findings.lastChanges(
        page.map((f) => ({ findingId: f.findingId, version: f.version })),
      );
      await this.producer.connect();
      await this.producer.send([
        {
          topic: Topics.findings,
          messages: page.map((f) => {
            const m = encodeFindingMessage(findingMessageOf(f, history.get(f.findingId) ?? 'updated'));
            return { key: m.key, value: m.value, headers: m.headers };
          }),
        },
      ]);
      await this.findings.markPublished(page.map((f) => ({ findingId: f.findingId, version: f.version })));
      this.metrics.published.inc(page.length);
      if (page.length < PAGE) return;
    }
  }
}
