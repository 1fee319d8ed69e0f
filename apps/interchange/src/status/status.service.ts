import { Injectable } from '@nestjs/common';
import { InterchangeStateRepository } from '@ajx/interchange-store';
import { InterchangeSenders } from '../delivery/interchange-senders.service';
import { InterchangeConfig } from '../interchange.config';

@Injectable()
export class StatusService {
  constructor(
    private readonly config: InterchangeConfig,
    private readonly senders: InterchangeSenders,
    private readonly state: InterchangeStateRepository,
  ) {}

  async get() {
    const local = new Map(this.senders.statuses().map((s) => [s.endpoint, s]));
    const stored = new Map((await this.state.endpoints()).map((s) => [s.endpointId, s]));
    const endpoints = await Promise.all(
      this.config.endpoints().map(async (e) => {
        const st = stored.get(e.id) ?? null;
        const inFlight = st ? await this.state.outbox(e.id) : null;
        return {
          id: e.id,
          province: e.province,
          mode: e.mode,
          url: e.url,
          here: local.get(e.id) ?? null,
          watermark: st?.watermark ?? 0,
          acknowledgedAt: st?.ackedAt ?? null,
          scheduledTarget: st?.scheduledTarget ?? null,
          halted: st?.haltedAt ? { at: st.haltedAt, reason: st.haltedReason } : null,
          inFlight: inFlight && {
            batchId: inFlight.batchId,
            mode: inFlight.mode,
            firstSeq: inFlight.firstSeq,
            lastSeq: inFlight.lastSeq,
            entries: inFlight.entries,
            attempts: inFlight.attempts,
            lastError: inFlight.lastError,
          },
          acknowledged: st ? await this.state.batchCounts(e.id) : { batches: 0, entries: 0, alreadyAccepted: 0 },
          resends: st ? await this.state.resends(e.id) : [],
          manifests: st ? await this.state.manifests(e.id) : [],
        };
      }),
    );
    return { sender: this.config.AJX_INTERCHANGE_SENDER, endpoints };
  }
}
