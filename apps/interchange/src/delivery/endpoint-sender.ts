import { Logger } from '@nestjs/common';
import type { AuditLog } from '@ajx/audit';
import {
  type AuditAnchor,
  backoffMs,
  type BatchEntry,
  type BatchMode,
  beijingDateOf,
  buildBatch,
  dailyManifestOf,
  type InterchangeBatch,
  Keyring,
  type ManifestVerdict,
  parseAck,
  parseManifestVerdict,
} from '@ajx/interchange-protocol';
import { CanonicalStoreRepository } from '@ajx/canonical-store';
import {
  CanonicalFeed,
  type EndpointState,
  type InterchangeEndpoint,
  InterchangeStateRepository,
  type OutboxBatch,
  type ResendRow,
} from '@ajx/interchange-store';
import type { DataSource, QueryRunner } from 'typeorm';
import { Sleeper } from '@ajx/platform';
import { datesBefore, fitToBytes } from './batch-planning';
import { deliverDocument, type DeliveryOutcome, StoppedError } from './document-delivery';
import { tryLockEndpoint, unlockEndpoint } from './endpoint-lock';
import type { InterchangeMetrics } from './interchange.metrics';
import type { ProvinceClient } from './province.client';

export interface SenderSettings {
  /** This hub's name in the protocol. */
  sender: string;
  pollMs: number;
  standbyMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  manifestLookbackDays: number;
}

export interface SenderDeps {
  db: DataSource;
  client: ProvinceClient;
  audit: AuditLog;
  /** The audit chain head a manifest anchors. */
  anchors: { head(): Promise<AuditAnchor | null> };
  metrics: InterchangeMetrics;
  now?: () => number;
}

export type SenderRole = 'starting' | 'active' | 'standby' | 'stopped';

export interface SenderStatus {
  endpoint: string;
  province: string;
  mode: InterchangeEndpoint['mode'];
  role: SenderRole;
  batchCap: number;
  lastError: string | null;
  sinceStart: { batches: number; entries: number; alreadyAccepted: number };
}

const ACTOR = 'system:interchange';
const PROGRESS_LOG_MS = 10_000;
const MANIFEST_RECHECK_MS = 60_000;

/**
 * The sender of one endpoint. Whichever instance holds the endpoint's advisory lock runs this loop; the others wait
 * on standby. Each turn does the first of:
 * 1. the batch in flight (the outbox): delivered unchanged until acknowledged — after a crash too, so a lost
 *    acknowledgement costs one `already-accepted` answer, never a duplicate;
 * 2. the next batch of an open reconciliation re-send;
 * 3. the next push batch: real-time, the events after the watermark as they arrive; scheduled, those up to the
 *    target a scheduled run set;
 * 4. the daily manifests asked for, of days the push stream has fully delivered;
 * and otherwise sleeps `pollMs`. A batch is kept in the outbox before it is sent and leaves it in the transaction
 * that moves the watermark, so the watermark moves only on an acknowledgement.
 */
export class EndpointSender {
  private readonly logger: Logger;
  private readonly sleeper = new Sleeper();
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private role: SenderRole = 'starting';
  private failures = 0;
  private batchCap: number;
  private lastError: string | null = null;
  private readonly total = { batches: 0, entries: 0, alreadyAccepted: 0 };
  private readonly recent = { batches: 0, entries: 0, alreadyAccepted: 0, loggedAt: 0 };
  private manifestCheck = { watermark: -1, requestedAt: 0, at: 0 };

  constructor(
    readonly endpoint: InterchangeEndpoint,
    private readonly settings: SenderSettings,
    private readonly deps: SenderDeps,
  ) {
    this.logger = new Logger(`Interchange:${endpoint.id}`);
    this.batchCap = endpoint.batchSize;
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.recent.loggedAt = this.now();
    this.loop = this.run();
  }

  /** Cuts an idle wait short (a scheduled run or a re-send was asked for). */
  wake(): void {
    this.sleeper.wakeAll();
  }

  /** Stops at once: a request in flight is abandoned (its batch stays in the outbox for the next holder). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.sleeper.wakeAll();
    await this.loop;
  }

  status(): SenderStatus {
    return {
      endpoint: this.endpoint.id,
      province: this.endpoint.province,
      mode: this.endpoint.mode,
      role: this.role,
      batchCap: this.batchCap,
      lastError: this.lastError,
      sinceStart: { ...this.total },
    };
  }

  private setRole(role: SenderRole): void {
    if (role === this.role) return;
    this.role = role;
    this.deps.metrics.holding.set({ endpoint: this.endpoint.id }, role === 'active' ? 1 : 0);
    if (role === 'active') this.logger.log(`sending to ${this.endpoint.url} (${this.endpoint.mode})`);
    if (role === 'standby') this.logger.log('another instance holds this endpoint; standing by');
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const runner = this.deps.db.createQueryRunner();
      let locked = false;
      try {
        await runner.connect();
        locked = await tryLockEndpoint(runner.manager, this.endpoint.id);
        if (!locked) {
          this.setRole('standby');
          await this.sleeper.sleep(this.settings.standbyMs);
          continue;
        }
        this.setRole('active');
        await this.work(runner);
      } catch (err) {
        if (err instanceof StoppedError || this.stopping) break;
        this.failures++;
        this.lastError = err instanceof Error ? err.message : String(err);
        this.logger.error(`sender failed (${this.failures}): ${this.lastError}`);
        await this.sleeper.sleep(this.backoff(this.failures));
      } finally {
        if (locked) await unlockEndpoint(runner.manager, this.endpoint.id).catch(() => undefined);
        await runner.release().catch(() => undefined);
      }
    }
    this.setRole('stopped');
  }

  private backoff(attempt: number): number {
    return backoffMs(attempt, { baseMs: this.settings.retryBaseMs, maxMs: this.settings.retryMaxMs });
  }

  private async work(runner: QueryRunner): Promise<void> {
    const { id, province } = this.endpoint;
    const state = new InterchangeStateRepository(runner.manager);
    const feed = new CanonicalFeed(new CanonicalStoreRepository(runner.manager));
    await state.ensureEndpoint(id, province);
    const initial = await state.endpoint(id);
    if (initial?.haltedAt) {
      this.logger.warn(`was halted (${initial.haltedReason ?? 'no reason'}); trying again`);
      await state.clearHalt(id);
    }
    while (!this.stopping) {
      const st = (await state.endpoint(id))!;
      this.deps.metrics.watermark.set({ endpoint: id }, st.watermark);
      this.deps.metrics.halted.set({ endpoint: id }, st.haltedAt ? 1 : 0);
      this.logProgress(st);
      if (st.haltedAt) {
        await this.sleeper.sleep(this.settings.standbyMs);
        continue;
      }
      const inFlight = await state.outbox(id);
      if (inFlight) {
        await this.deliverBatch(runner, state, inFlight);
        continue;
      }
      if (await this.nextResendBatch(state, feed, st)) continue;
      if (await this.nextPushBatch(state, feed, st)) continue;
      if (st.manifestsRequestedAt && (await this.sendManifests(state, feed, st))) continue;
      await this.sleeper.sleep(this.settings.pollMs);
    }
  }

  private async nextPushBatch(
    state: InterchangeStateRepository,
    feed: CanonicalFeed,
    st: EndpointState,
  ): Promise<boolean> {
    const realtime = this.endpoint.mode === 'realtime';
    // A run asked for while the endpoint was scheduled means nothing once it is real-time.
    if (realtime && st.scheduledTarget !== null) await state.clearScheduledTarget(this.endpoint.id, st.scheduledTarget);
    const target = realtime ? null : st.scheduledTarget;
    if (!realtime && target === null) return false;
    const entries = await feed.entriesAfter(
      this.endpoint.province,
      st.watermark,
      this.batchCap,
      target,
      this.endpoint.kinds,
    );
    if (entries.length === 0) {
      if (target !== null) {
        await state.clearScheduledTarget(this.endpoint.id, target);
        this.logger.log(`scheduled run complete: delivered up to seq ${target} (watermark ${st.watermark})`);
      }
      return false;
    }
    await this.enqueue(state, realtime ? 'realtime' : 'scheduled', null, entries);
    return true;
  }

  private async nextResendBatch(
    state: InterchangeStateRepository,
    feed: CanonicalFeed,
    st: EndpointState,
  ): Promise<boolean> {
    let r = await state.nextResend(this.endpoint.id);
    if (!r) return false;
    if (r.status === 'pending' || r.uptoSeq === null) {
      // A re-send repeats what the push stream delivered of that day; later events of the day follow in the push
      // stream, so nothing reaches the province ahead of an earlier event of the same enterprise.
      await state.startResend(r.id, st.watermark);
      r = { ...r, status: 'running', uptoSeq: r.uptoSeq ?? st.watermark };
      this.logger.log(`re-sending ${r.date} (attempt ${r.attempt}, asked by ${r.requestedBy}) up to seq ${r.uptoSeq}`);
    }
    const entries = await feed.dayEntries(
      this.endpoint.province,
      r.date,
      r.progressSeq,
      r.uptoSeq!,
      this.batchCap,
      this.endpoint.kinds,
    );
    if (entries.length === 0) {
      await state.finishResend(r);
      this.logger.log(
        `re-send of ${r.date} (attempt ${r.attempt}) complete: ${r.entries} entries in ${r.batches} batches`,
      );
      await this.deps.audit.record({
        actor: ACTOR,
        action: 'interchange.resend',
        target: this.endpoint.id,
        outcome: 'ok',
        details: {
          date: r.date,
          attempt: r.attempt,
          entries: r.entries,
          batches: r.batches,
          requestedBy: r.requestedBy,
        },
      });
      return true;
    }
    await this.enqueue(state, 'resend', r, entries);
    return true;
  }

  /** Builds the next batch and keeps it in the outbox before anything is sent. */
  private async enqueue(
    state: InterchangeStateRepository,
    mode: BatchMode,
    resend: ResendRow | null,
    candidates: BatchEntry[],
  ): Promise<void> {
    const entries = fitToBytes(candidates, this.endpoint.maxBatchBytes);
    const { batch, body } = buildBatch({
      sender: this.settings.sender,
      province: this.endpoint.province,
      mode,
      resendOf: resend ? { date: resend.date, attempt: resend.attempt } : undefined,
      entries,
    });
    await state.putOutbox({
      endpointId: this.endpoint.id,
      batchId: batch.batchId,
      mode,
      resendId: resend?.id ?? null,
      firstSeq: entries[0].seq,
      lastSeq: entries[entries.length - 1].seq,
      entries: entries.length,
      body,
    });
  }

  /** The keys the province may sign its answers with: the endpoint's key and the accepted keys not expired. */
  private answerKeys(): Keyring {
    const now = this.now();
    return new Keyring([
      this.endpoint.key,
      ...this.endpoint.acceptKeys
        .filter((k) => k.until === null || k.until.getTime() > now)
        .map(({ keyId, secret }) => ({ keyId, secret })),
    ]);
  }

  private deliver<T>(
    path: string,
    body: string,
    accept: (answer: unknown) => T,
    onFailure: (reason: string) => Promise<void>,
  ): Promise<DeliveryOutcome<T>> {
    const url = `${this.endpoint.url}${path}`;
    return deliverDocument({
      send: () =>
        this.deps.client.post({
          url,
          body,
          key: this.endpoint.key,
          answerKeys: this.answerKeys(),
          timeoutMs: this.endpoint.timeoutMs,
          signal: this.abort.signal,
        }),
      accept,
      onFailedAttempt: async (reason, attempt) => {
        this.lastError = reason;
        this.deps.metrics.failedAttempts.inc({ endpoint: this.endpoint.id });
        if (attempt === 1 || attempt % 10 === 0)
          this.logger.warn(`${path}: attempt ${attempt} failed (${reason}); retrying`);
        await onFailure(reason);
      },
      wait: (ms) => this.sleeper.sleep(ms),
      stopped: () => this.stopping,
      backoff: (attempt) => this.backoff(attempt),
      maxWaitMs: this.settings.retryMaxMs,
    });
  }

  private async deliverBatch(runner: QueryRunner, state: InterchangeStateRepository, b: OutboxBatch): Promise<void> {
    const outcome = await this.deliver(
      '/v1/interchange/batches',
      b.body,
      (answer) => parseAck(answer, b.batchId),
      (reason) => state.noteAttempt(this.endpoint.id, b.batchId, reason),
    );
    if (outcome.action === 'done') {
      const ack = outcome.value;
      let recorded: boolean;
      await runner.startTransaction();
      try {
        recorded = await state.acknowledge(runner.manager, b, ack);
        await runner.commitTransaction();
      } catch (err) {
        await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      }
      if (!recorded) {
        this.logger.warn(`batch ${b.batchId} was no longer in flight when its acknowledgement came`);
        return;
      }
      this.failures = 0;
      this.lastError = null;
      const labels = { endpoint: this.endpoint.id, mode: b.mode };
      this.deps.metrics.batches.inc({ ...labels, status: ack.status });
      this.deps.metrics.entries.inc(labels, b.entries);
      for (const t of [this.total, this.recent]) {
        t.batches++;
        t.entries += b.entries;
        if (ack.status === 'already-accepted') t.alreadyAccepted++;
      }
      await this.deps.audit.record({
        actor: ACTOR,
        action: 'interchange.batch',
        target: this.endpoint.id,
        outcome: 'ok',
        details: {
          batchId: b.batchId,
          mode: b.mode,
          firstSeq: b.firstSeq,
          lastSeq: b.lastSeq,
          entries: b.entries,
          status: ack.status,
          attempts: outcome.attempts,
        },
      });
      return;
    }
    if (outcome.action === 'split' && b.entries > 1) {
      const sent = JSON.parse(b.body) as InterchangeBatch;
      const half = sent.entries.slice(0, Math.ceil(sent.entries.length / 2));
      const { batch, body } = buildBatch({
        sender: sent.sender,
        province: sent.province,
        mode: sent.mode,
        resendOf: sent.resendOf,
        entries: half,
      });
      await state.replaceOutbox({
        endpointId: this.endpoint.id,
        batchId: batch.batchId,
        mode: b.mode,
        resendId: b.resendId,
        firstSeq: half[0].seq,
        lastSeq: half[half.length - 1].seq,
        entries: half.length,
        body,
      });
      this.batchCap = Math.max(1, Math.min(this.batchCap, half.length));
      this.logger.warn(`${outcome.reason}: batch ${b.batchId} split; at most ${this.batchCap} entries from now on`);
      return;
    }
    const reason =
      outcome.action === 'split' ? `${outcome.reason} for a single entry (seq ${b.firstSeq})` : outcome.reason;
    await state.halt(this.endpoint.id, `batch ${b.batchId}: ${reason}`);
    this.deps.metrics.halts.inc({ endpoint: this.endpoint.id });
    this.deps.metrics.halted.set({ endpoint: this.endpoint.id }, 1);
    this.lastError = reason;
    this.logger.error(
      `halted on batch ${b.batchId} (seq ${b.firstSeq}–${b.lastSeq}): ${reason}. Nothing is dropped: the batch ` +
        'stays in the outbox and is sent again when the service restarts',
    );
    await this.deps.audit.record({
      actor: ACTOR,
      action: 'interchange.halt',
      target: this.endpoint.id,
      outcome: 'error',
      details: { batchId: b.batchId, firstSeq: b.firstSeq, lastSeq: b.lastSeq, reason },
    });
  }

  /** Sends the manifests of finished days the push stream has fully delivered; true when it sent any. */
  private async sendManifests(
    state: InterchangeStateRepository,
    feed: CanonicalFeed,
    st: EndpointState,
  ): Promise<boolean> {
    const requestedAt = st.manifestsRequestedAt!.getTime();
    const now = this.now();
    // A day waits for the push stream to deliver it: look again when something was delivered, or after a while.
    const c = this.manifestCheck;
    if (c.watermark === st.watermark && c.requestedAt === requestedAt && now - c.at < MANIFEST_RECHECK_MS) return false;
    this.manifestCheck = { watermark: st.watermark, requestedAt, at: now };
    const { id, province, kinds } = this.endpoint;
    const candidates = await feed.datesWithEvents(
      province,
      datesBefore(beijingDateOf(now), this.settings.manifestLookbackDays),
      kinds,
    );
    const settled = await state.settledManifestDates(id, candidates);
    let waiting = 0;
    let sent = 0;
    for (const date of candidates) {
      if (settled.has(date)) continue;
      if (this.stopping) throw new StoppedError();
      if ((await feed.dayLastSeq(province, date, kinds)) > st.watermark || (await state.hasOpenResend(id, date))) {
        waiting++;
        continue;
      }
      await this.sendManifest(state, feed, date);
      sent++;
    }
    if (waiting === 0) await state.clearManifestRequest(id, st.manifestsRequestedAt!);
    return sent > 0;
  }

  private async sendManifest(state: InterchangeStateRepository, feed: CanonicalFeed, date: string): Promise<void> {
    const manifest = dailyManifestOf({
      date,
      sender: this.settings.sender,
      province: this.endpoint.province,
      cells: await feed.dayCells(this.endpoint.province, date, this.endpoint.kinds),
      auditAnchor: await this.deps.anchors.head(),
    });
    const outcome = await this.deliver(
      '/v1/interchange/manifests',
      JSON.stringify(manifest),
      (answer): ManifestVerdict => {
        const verdict = parseManifestVerdict(answer);
        if (verdict.date !== date) throw new Error(`the verdict is for ${verdict.date}, not ${date}`);
        return verdict;
      },
      async () => undefined,
    );
    const endpoint = this.endpoint.id;
    if (outcome.action !== 'done') {
      await state.saveManifest({
        endpointId: endpoint,
        manifest,
        status: 'failed',
        verdict: null,
        attempts: outcome.attempts,
        lastError: outcome.reason,
      });
      this.deps.metrics.manifests.inc({ endpoint, status: 'failed' });
      this.logger.error(`manifest of ${date} not delivered: ${outcome.reason}`);
      return;
    }
    const verdict = outcome.value;
    await state.saveManifest({
      endpointId: endpoint,
      manifest,
      status: verdict.status,
      verdict,
      attempts: outcome.attempts,
      lastError: null,
    });
    this.deps.metrics.manifests.inc({ endpoint, status: verdict.status });
    const events = manifest.cells.reduce((n, c) => n + c.count, 0);
    if (verdict.status === 'match') this.logger.log(`manifest of ${date}: ${events} events, the province agrees`);
    else
      this.logger.warn(
        `manifest of ${date}: ${events} events, the province differs in ${verdict.cells.length} cells ` +
          '(it reports the mismatch and the day is re-sent)',
      );
    await this.deps.audit.record({
      actor: ACTOR,
      action: 'interchange.manifest',
      target: endpoint,
      outcome: 'ok',
      details: {
        date,
        events,
        cells: manifest.cells.length,
        verdict: verdict.status,
        auditBlock: manifest.auditAnchor?.blockNo ?? null,
      },
    });
  }

  private logProgress(st: EndpointState): void {
    const now = this.now();
    if (now - this.recent.loggedAt < PROGRESS_LOG_MS) return;
    if (this.recent.batches > 0) {
      this.logger.log(
        `delivered ${this.recent.entries} entries in ${this.recent.batches} batches` +
          (this.recent.alreadyAccepted
            ? ` (${this.recent.alreadyAccepted} acknowledged again after a lost answer)`
            : '') +
          `; watermark ${st.watermark}`,
      );
    }
    Object.assign(this.recent, { batches: 0, entries: 0, alreadyAccepted: 0, loggedAt: now });
  }
}
