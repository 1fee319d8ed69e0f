import {
  BadGatewayException,
  ConflictException,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  batchContentDigest,
  computeBatchId,
  DEFAULT_PULL_LIMIT,
  formatBeijingDateTime,
  InterchangeError,
  parseJson,
  parsePullPage,
  PULL_SCOPE,
  START_CURSOR,
} from '@ajx/interchange-protocol';
import { DeliveryLogRepository } from '../database/delivery-log.repository';
import { ProvinceSimulatorConfig } from '../province-simulator.config';
import { Sleeper } from '@ajx/platform';
import { HubClient } from './hub.client';

const SOURCE = 'hub';

export interface PullResult {
  pages: number;
  entries: number;
  duplicateEntries: number;
  cursor: string;
}

/**
 * The pull mode's client: reads `GET /v1/interchange/events?after=<cursor>` page by page and logs every page as a
 * batch of its own (mode `pull`), keeping the cursor in the same transaction, so a crash never skips or repeats a
 * page. Runs on demand (control API) and, when configured, every AJX_PROVINCE_SIM_PULL_INTERVAL_MS.
 */
@Injectable()
export class PullService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PullService.name);
  private readonly sleeper = new Sleeper();
  private queue: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly config: ProvinceSimulatorConfig,
    private readonly hub: HubClient,
    private readonly log: DeliveryLogRepository,
  ) {}

  /** Pulls until the hub has nothing more (one pull at a time; a second caller waits for the first). */
  pullAll(limit = DEFAULT_PULL_LIMIT): Promise<PullResult> {
    if (!this.hub.configured) throw new ConflictException('AJX_PROVINCE_SIM_HUB_URL is not set');
    const run = this.queue.then(() => this.drain(limit));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async drain(limit: number): Promise<PullResult> {
    const result: PullResult = { pages: 0, entries: 0, duplicateEntries: 0, cursor: START_CURSOR };
    for (;;) {
      const after = (await this.log.pullCursor(SOURCE)) ?? START_CURSOR;
      const answer = await this.hub.get(`/v1/interchange/events?after=${after}&limit=${limit}`);
      if (answer.status !== 200) {
        const body = parseJson(answer.raw);
        throw new BadGatewayException(
          `the hub answered ${answer.status} to a pull${body.ok ? `: ${JSON.stringify(body.value).slice(0, 300)}` : ''}`,
        );
      }
      let page;
      try {
        page = parsePullPage(answer.raw, { province: this.config.AJX_PROVINCE_CODE, after });
      } catch (err) {
        throw new BadGatewayException(err instanceof InterchangeError ? err.message : String(err));
      }
      result.pages++;
      result.cursor = page.next;
      if (page.entries.length) {
        const outcome = await this.log.recordBatch({
          batchId: computeBatchId({
            sender: page.sender,
            province: page.province,
            scope: PULL_SCOPE,
            seqs: page.entries.map((e) => e.seq),
          }),
          sender: page.sender,
          mode: 'pull',
          contentDigest: batchContentDigest(page.entries),
          keyId: null,
          sentAt: formatBeijingDateTime(Date.now()),
          entries: page.entries,
          pullCursor: { source: SOURCE, cursor: page.next },
        });
        result.entries += outcome.accepted;
        result.duplicateEntries += outcome.duplicateEntries;
      }
      if (!page.hasMore || page.entries.length === 0 || this.stopping) return result;
    }
  }

  onApplicationBootstrap(): void {
    const every = this.config.AJX_PROVINCE_SIM_PULL_INTERVAL_MS;
    if (every > 0 && this.hub.configured) this.loop = this.poll(every);
  }

  private async poll(every: number): Promise<void> {
    while (!this.stopping) {
      try {
        const r = await this.pullAll();
        if (r.entries) this.logger.log(`pulled ${r.entries} entries in ${r.pages} pages`);
      } catch (err) {
        this.logger.warn(`pull failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      await this.sleeper.sleep(every);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.sleeper.wakeAll();
    await this.loop;
    await this.queue;
  }
}
