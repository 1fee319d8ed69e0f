import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UploadSessionRepository } from '@ajx/ingest-store';
import { MetricsRegistry } from '@ajx/observability';
import { Counter } from 'prom-client';
import { GatewayConfig } from '../gateway.config';
import { UploadStore } from './upload-store';

/** Sessions purged per pass at most (the next pass takes the rest). */
const PER_PASS = 500;

/**
 * Gives the disk back: every AJX_UPLOAD_SESSION_CLEANUP_MS, the stored bytes of upload sessions that expired
 * unfinished are removed (the session row stays and still answers 410 UPLOAD_EXPIRED). Any gateway instance may run
 * it; rows are taken with SKIP LOCKED, so instances share the work.
 */
@Injectable()
export class UploadSessionCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UploadSessionCleanup.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly sessions: Counter;
  private readonly bytes: Counter;

  constructor(
    private readonly repo: UploadSessionRepository,
    private readonly store: UploadStore,
    private readonly config: GatewayConfig,
    metrics: MetricsRegistry,
  ) {
    this.sessions = new Counter({
      name: 'ajx_gateway_upload_sessions_purged_total',
      help: 'Expired, unfinished upload sessions whose stored bytes were removed',
      registers: [metrics],
    });
    this.bytes = new Counter({
      name: 'ajx_gateway_upload_session_bytes_purged_total',
      help: 'Bytes of expired upload sessions removed from the upload directory',
      registers: [metrics],
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), this.config.AJX_UPLOAD_SESSION_CLEANUP_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns the sessions purged. */
  async runOnce(): Promise<string[]> {
    if (this.running) return [];
    const pass = this.repo
      .purgeExpired(PER_PASS, async (uploadId) => {
        this.bytes.inc(await this.store.removeSessionFile(uploadId));
        this.sessions.inc();
      })
      .catch((err: Error) => {
        this.logger.error(`removing expired upload sessions failed: ${err.message}`);
        return [] as string[];
      });
    this.running = pass;
    try {
      const done = await pass;
      if (done.length > 0) this.logger.log(`removed the stored bytes of ${done.length} expired upload session(s)`);
      return done;
    } finally {
      this.running = null;
    }
  }
}
