import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import { GatewayConfig } from '../gateway.config';

interface Tally {
  count: number;
  from: Date;
  to: Date;
  reasons: Record<string, number>;
}

/** Addresses tallied at once; beyond that, refusals of further addresses are folded into one "other" row. */
const MAX_ADDRESSES = 10_000;

/**
 * Failed authentications refused while their address is throttled are counted, not audited one by one: a flood of
 * bad tokens must cost the gateway less work, not one audit row each. Every window, one `auth.refused.throttled`
 * entry per address says how many were refused, when, and why. Per gateway instance (each writes its own rows).
 */
@Injectable()
export class ThrottledRefusals implements OnModuleInit, OnApplicationShutdown {
  private tallies = new Map<string, Tally>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly audit: AuditLog,
    private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.AJX_AUTH_THROTTLE_SUMMARY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  count(address: string, reason: string): void {
    const key = this.tallies.has(address) || this.tallies.size < MAX_ADDRESSES ? address : 'other';
    const now = new Date();
    const t = this.tallies.get(key) ?? { count: 0, from: now, to: now, reasons: {} };
    t.count++;
    t.to = now;
    t.reasons[reason] = (t.reasons[reason] ?? 0) + 1;
    this.tallies.set(key, t);
  }

  /** Writes one summarising entry per address for the window that just ended. */
  async flush(): Promise<void> {
    if (!this.tallies.size) return;
    const done = this.tallies;
    this.tallies = new Map();
    await Promise.all(
      [...done].map(([ip, t]) =>
        this.audit.record({
          actor: 'anonymous',
          action: 'auth.refused.throttled',
          target: ip,
          outcome: 'denied',
          details: { ip, count: t.count, from: t.from.toISOString(), to: t.to.toISOString(), reasons: t.reasons },
        }),
      ),
    );
  }
}
