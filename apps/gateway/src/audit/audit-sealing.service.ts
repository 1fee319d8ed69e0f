import fs from 'node:fs';
import path from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditSealer, AuditSigner } from '@ajx/audit';
import { MetricsRegistry } from '@ajx/observability';
import { Counter, Gauge } from 'prom-client';
import { GatewayConfig } from '../gateway.config';

/** Seals the audit log every few seconds (any gateway instance; one at a time under an advisory lock). */
@Injectable()
export class AuditSealingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditSealingService.name);
  private readonly signer: AuditSigner;
  private readonly anchorFile: string;
  private timer: NodeJS.Timeout | null = null;
  private sealing: Promise<unknown> | null = null;
  private readonly failures: Counter;
  private readonly lastSeal: Gauge;

  constructor(
    private readonly sealer: AuditSealer,
    private readonly config: GatewayConfig,
    metrics: MetricsRegistry,
  ) {
    this.failures = new Counter({
      name: 'ajx_audit_seal_failures_total',
      help: 'Attempts to seal the audit log that failed (the entries stay unsealed until a later seal succeeds)',
      registers: [metrics],
    });
    this.lastSeal = new Gauge({
      name: 'ajx_audit_last_seal_timestamp_seconds',
      help: 'When this gateway last sealed a block of the audit log, or found nothing to seal',
      registers: [metrics],
    });
    // Fail at start-up, not at the first seal, when the key is missing or wrong.
    this.signer = AuditSigner.fromPem(fs.readFileSync(config.AJX_AUDIT_KEY_FILE, 'utf8'));
    this.anchorFile =
      config.AJX_AUDIT_ANCHOR_FILE || path.join(path.dirname(config.AJX_AUDIT_KEY_FILE), 'audit-anchor.json');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sealNow(), this.config.AJX_AUDIT_SEAL_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sealing;
  }

  async sealNow(): Promise<void> {
    if (this.sealing) return;
    // Block by block (as sealAll does), marking each completed step: under a steady stream of audited requests a
    // pass may not run dry for a while, and the gauge must still show that sealing goes on.
    this.sealing = (async () => {
      for (;;) {
        const sealed = await this.sealer.sealOnce(this.signer, { anchorFile: this.anchorFile });
        this.lastSeal.setToCurrentTime();
        if (sealed.blocks === 0) return;
      }
    })()
      .catch((err: unknown) => {
        this.failures.inc();
        this.logger.error(`audit sealing failed: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => (this.sealing = null));
    await this.sealing;
  }
}
