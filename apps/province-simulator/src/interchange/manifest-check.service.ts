import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import {
  assertSenderAllowed,
  type HeaderBag,
  InterchangeError,
  judgeManifest,
  type ManifestVerdict,
  parseDailyManifest,
  tallyByDate,
} from '@ajx/interchange-protocol';
import { DeliveryLogRepository, type ReportRow } from '../database/delivery-log.repository';
import { ProvinceSimulatorConfig } from '../province-simulator.config';
import { ReconciliationReporter } from './reconciliation-reporter';
import { RequestAuthenticator } from './request-authenticator';

/** Compares the hub's daily manifest with the simulator's own log and reports a mismatch back to the hub. */
@Injectable()
export class ManifestCheckService {
  constructor(
    private readonly config: ProvinceSimulatorConfig,
    private readonly auth: RequestAuthenticator,
    private readonly log: DeliveryLogRepository,
    private readonly reporter: ReconciliationReporter,
  ) {}

  async receive(body: Buffer, headers: HeaderBag): Promise<ManifestVerdict> {
    const { key, replay } = this.auth.authenticate(headers, body);
    if (!(await this.log.rememberSignature(replay.key, replay.expiresAtMs))) {
      throw new InterchangeError('REPLAYED', 'this signed request was already received; sign every attempt anew');
    }
    const manifest = parseDailyManifest(body, { province: this.config.AJX_PROVINCE_CODE });
    assertSenderAllowed(key, manifest.sender);
    const [day] = tallyByDate(await this.log.manifestItems(manifest.date));
    const verdict = judgeManifest(manifest, day?.cells ?? []);
    await this.log.saveManifestCheck(manifest, verdict);
    if (verdict.status === 'mismatch' && this.reporter.enabled)
      this.reporter.reportInBackground(verdict.date, verdict.cells);
    return verdict;
  }

  /** Reports the latest mismatch of a date again (control API), waiting for the hub's answer. */
  async reportAgain(date: string): Promise<ReportRow> {
    if (!this.reporter.enabled) throw new ConflictException('AJX_PROVINCE_SIM_HUB_URL is not set');
    const latest = await this.log.latestManifestCheck(date);
    if (!latest) throw new NotFoundException(`no manifest of ${date} was received`);
    if (latest.status !== 'mismatch') throw new ConflictException(`the latest manifest of ${date} matched`);
    return this.reporter.report(date, latest.cells);
  }
}
