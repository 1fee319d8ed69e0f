import { Injectable } from '@nestjs/common';
import { DeliveryLogRepository, type LogStats, type ReportRow } from '../database/delivery-log.repository';
import { FaultInjector, type FaultSettings, type FaultState } from '../interchange/fault-injector';
import { ManifestCheckService } from '../interchange/manifest-check.service';
import { PullService, type PullResult } from '../interchange/pull.service';
import type { LogPageDto } from './control.dto';

@Injectable()
export class ControlService {
  constructor(
    private readonly faultInjector: FaultInjector,
    private readonly repo: DeliveryLogRepository,
    private readonly puller: PullService,
    private readonly manifests: ManifestCheckService,
  ) {}

  setFaults(s: Partial<FaultSettings> & Pick<FaultSettings, 'mode'>): FaultState {
    return this.faultInjector.set(s);
  }

  faults(): FaultState {
    return this.faultInjector.state();
  }

  async log(after: number, limit: number, events: boolean): Promise<LogPageDto> {
    const items = await this.repo.log(after, limit, events);
    return { items, next: items.length === limit ? items[items.length - 1].id : null };
  }

  reset(): Promise<void> {
    return this.repo.reset();
  }

  stats(): Promise<LogStats> {
    return this.repo.stats();
  }

  pull(): Promise<PullResult> {
    return this.puller.pullAll();
  }

  reports(): Promise<ReportRow[]> {
    return this.repo.reports();
  }

  reportAgain(date: string): Promise<ReportRow> {
    return this.manifests.reportAgain(date);
  }
}
