import fs from 'node:fs';
import path from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditSealer, AuditSigner } from '@ajx/audit';
import { GatewayConfig } from '../gateway.config';

/** Seals the audit log every few seconds (any gateway instance; one at a time under an advisory lock). */
@Injectable()
export class AuditSealingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditSealingService.name);
  private readonly signer: AuditSigner;
  private readonly anchorFile: string;
  private timer: NodeJS.Timeout | null = null;
  private sealing: Promise<unknown> | null = null;

  constructor(
    private readonly sealer: AuditSealer,
    private readonly config: GatewayConfig,
  ) {
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
    this.sealing = this.sealer
      .sealAll(this.signer, { anchorFile: this.anchorFile })
      .catch((err: unknown) =>
        this.logger.error(`audit sealing failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => (this.sealing = null));
    await this.sealing;
  }
}
