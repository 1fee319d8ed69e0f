import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { requestTargetPayload, signRequest } from '@ajx/interchange-protocol';
import { ProvinceSimulatorConfig } from '../province-simulator.config';
import { RequestAuthenticator } from './request-authenticator';

export interface HubAnswer {
  status: number;
  raw: Buffer;
  retryAfter: string | null;
}

/** Signed HTTP calls from the simulator to the hub (reconciliation reports, pulls). */
@Injectable()
export class HubClient implements OnModuleDestroy {
  private readonly base: string;
  private readonly aborts = new Set<AbortController>();

  constructor(
    private readonly config: ProvinceSimulatorConfig,
    private readonly auth: RequestAuthenticator,
  ) {
    this.base = config.AJX_PROVINCE_SIM_HUB_URL.replace(/\/+$/, '');
  }

  get configured(): boolean {
    return this.base !== '';
  }

  async post(path: string, body: string): Promise<HubAnswer> {
    return this.send('POST', path, body);
  }

  async get(pathAndQuery: string): Promise<HubAnswer> {
    return this.send('GET', pathAndQuery);
  }

  private async send(method: 'GET' | 'POST', target: string, body?: string): Promise<HubAnswer> {
    if (!this.configured) throw new Error('AJX_PROVINCE_SIM_HUB_URL is not set');
    const url = new URL(this.base + target);
    const payload = body ?? requestTargetPayload(method, url.pathname + url.search);
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), this.config.AJX_PROVINCE_SIM_HUB_TIMEOUT_MS);
    try {
      const res = await fetch(url, {
        method,
        headers: {
          ...signRequest(this.auth.signingKey, payload),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          Accept: 'application/json',
        },
        body,
        signal: abort.signal,
      });
      return {
        status: res.status,
        raw: Buffer.from(await res.arrayBuffer()),
        retryAfter: res.headers.get('retry-after'),
      };
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }

  onModuleDestroy(): void {
    for (const a of this.aborts) a.abort();
  }
}
