import { Injectable } from '@nestjs/common';
import { configuredEndpoints, type EndpointOverview, InterchangeStateRepository } from '@ajx/interchange-store';
import { GatewayConfig } from '../gateway.config';
import type {
  EndpointStatusState,
  InterchangeEndpointStatusDto,
  InterchangeStatusDto,
} from './dto/interchange-status.dto';

/** Pending events are counted up to this many: beyond it the number only says "a lot" and costs a long scan. */
export const PENDING_CAP = 100_000;

/** An endpoint's state in one word, from what is stored (null: the interchange service never ran it). */
export function endpointState(o: EndpointOverview | null, pending: number): EndpointStatusState {
  if (!o) return 'not-started';
  if (o.haltedAt) return 'halted';
  if (o.inFlight && o.inFlight.attempts > 0 && o.inFlight.lastError !== null) return 'retrying';
  if (o.inFlight) return 'sending';
  return pending > 0 ? 'behind' : 'up-to-date';
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Operators' interchange status: every endpoint the gateway is configured with or the interchange service has run
 * (its watermark, batch in flight, halt and pending events, from the interchange store), and the provinces' last pulls.
 */
@Injectable()
export class InterchangeStatusService {
  constructor(
    private readonly config: GatewayConfig,
    private readonly state: InterchangeStateRepository,
  ) {}

  async status(): Promise<InterchangeStatusDto> {
    const [stored, pulls] = await Promise.all([this.state.overview(), this.state.pulls()]);
    const byId = new Map(stored.map((s) => [s.endpointId, s]));
    const configured = configuredEndpoints(this.config);
    const ids = [...new Set([...configured.map((e) => e.id), ...stored.map((s) => s.endpointId)])].sort();
    const lastPull = new Map(pulls.map((p) => [p.province, p.pulledAt]));
    const endpoints: InterchangeEndpointStatusDto[] = [];
    for (const id of ids) {
      const conf = configured.find((e) => e.id === id) ?? null;
      const o = byId.get(id) ?? null;
      const province = o?.province ?? conf!.province;
      const watermark = o?.watermark ?? 0;
      const pending = await this.state.pendingAfter(province, watermark, PENDING_CAP, conf?.kinds ?? null);
      endpoints.push({
        id,
        province,
        mode: conf?.mode ?? null,
        state: endpointState(o, pending),
        watermark,
        lastPushAt: iso(o?.inFlight?.lastAttemptAt ?? o?.ackedAt ?? null),
        lastAckAt: iso(o?.ackedAt ?? null),
        pending,
        pendingCapped: pending >= PENDING_CAP,
        inFlight: o?.inFlight
          ? {
              batchId: o.inFlight.batchId,
              mode: o.inFlight.mode,
              entries: o.inFlight.entries,
              attempts: o.inFlight.attempts,
              lastAttemptAt: iso(o.inFlight.lastAttemptAt),
            }
          : null,
        haltedAt: iso(o?.haltedAt ?? null),
        lastError: o?.haltedReason ?? o?.inFlight?.lastError ?? null,
        lastPullAt: iso(lastPull.get(province) ?? null),
      });
    }
    return {
      endpoints,
      pulls: pulls.map((p) => ({
        province: p.province,
        principal: p.principal,
        via: p.via,
        lastSeq: p.lastSeq,
        entries: p.entries,
        pulls: p.pulls,
        pulledAt: p.pulledAt.toISOString(),
      })),
      pendingCap: PENDING_CAP,
    };
  }
}
