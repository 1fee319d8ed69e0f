import { Injectable } from '@nestjs/common';
import { AuditLog, AuditSealer } from '@ajx/audit';
import type { Principal } from '@ajx/identity';
import {
  addDaysToDate,
  beijingDateOf,
  buildPullPage,
  type DailyManifest,
  dailyManifestOf,
  decodeCursor,
  DEFAULT_PULL_LIMIT,
  InterchangeError,
  isIsoDate,
  MAX_PULL_LIMIT,
  parseReconciliationReport,
  type PullPage,
} from '@ajx/interchange-protocol';
import { CanonicalFeed, type InterchangeEndpoint, InterchangeStateRepository } from '@ajx/interchange-store';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import { protocolError } from '../http/protocol-error';

/** The province a province principal stands for (`330000` → `33`). */
export function provinceOf(principal: Principal): string {
  if (principal.type !== 'province' || !/^\d{2}0000$/.test(principal.regionCode ?? '')) {
    throw apiError(403, 'FORBIDDEN', 'only a province principal reads the interchange');
  }
  return principal.regionCode!.slice(0, 2);
}

function protocol<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof InterchangeError) throw protocolError(err);
    throw err;
  }
}

/**
 * The hub's side of the interchange protocol served by the gateway: pull pages of the province's canonical events,
 * the daily manifest on demand, and reconciliation reports that schedule a re-send of a day to the reporting
 * endpoint (carried out by the interchange service).
 */
@Injectable()
export class InterchangeService {
  constructor(
    private readonly config: GatewayConfig,
    private readonly feed: CanonicalFeed,
    private readonly state: InterchangeStateRepository,
    private readonly sealer: AuditSealer,
    private readonly audit: AuditLog,
  ) {}

  async pull(
    principal: Principal,
    after: string | undefined,
    limitText: string | undefined,
    via: InterchangeEndpoint | null,
    requestId?: string,
  ): Promise<PullPage> {
    const province = provinceOf(principal);
    const afterSeq = after === undefined || after === '' ? 0 : protocol(() => decodeCursor(after));
    const limit = limitText === undefined ? DEFAULT_PULL_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PULL_LIMIT) {
      throw apiError(400, 'INVALID_QUERY', `limit must be an integer 1–${MAX_PULL_LIMIT}`);
    }
    // Signed with an endpoint's key: only the kinds that endpoint receives (a province still on v1, say).
    const rows = await this.feed.entriesAfter(province, afterSeq, limit + 1, null, via?.kinds ?? null);
    const entries = rows.slice(0, limit);
    const page = buildPullPage({
      sender: this.config.AJX_INTERCHANGE_SENDER,
      province,
      afterSeq,
      entries,
      hasMore: rows.length > limit,
    });
    const lastSeq = entries.length ? entries[entries.length - 1].seq : afterSeq;
    const viaName = via ? `key:${via.key.keyId}` : 'token';
    await this.state.notePull({
      province,
      principal: principal.id,
      via: viaName,
      afterSeq,
      lastSeq,
      entries: entries.length,
    });
    await this.audit.record({
      actor: principal.id,
      action: 'interchange.pull',
      target: `province:${province}`,
      outcome: 'ok',
      details: {
        afterSeq,
        entries: entries.length,
        lastSeq,
        via: viaName,
      },
      requestId,
    });
    return page;
  }

  /** The manifest of one day as the hub holds it now (a day not yet over may still grow). */
  async manifest(
    principal: Principal,
    date: string,
    via: InterchangeEndpoint | null,
    requestId?: string,
  ): Promise<DailyManifest> {
    const province = provinceOf(principal);
    if (!isIsoDate(date)) throw apiError(400, 'INVALID_QUERY', 'date must be a calendar date YYYY-MM-DD');
    const manifest = dailyManifestOf({
      date,
      sender: this.config.AJX_INTERCHANGE_SENDER,
      province,
      cells: await this.feed.dayCells(province, date, via?.kinds ?? null),
      auditAnchor: await this.sealer.head(),
    });
    await this.audit.record({
      actor: principal.id,
      action: 'interchange.manifest.read',
      target: `province:${province}`,
      outcome: 'ok',
      details: { date, cells: manifest.cells.length },
      requestId,
    });
    return manifest;
  }

  /**
   * A province reports that a day does not match: the day is re-sent to the endpoint whose key signed the report
   * (joining a re-send of that day still open). 202 once the re-send is recorded.
   */
  async report(
    principal: Principal,
    endpoint: InterchangeEndpoint,
    date: string,
    raw: Buffer,
    requestId?: string,
  ): Promise<{ date: string; resend: 'scheduled' }> {
    const auditBase = { actor: principal.id, action: 'interchange.reconciliation', target: endpoint.id, requestId };
    const refuse = async (err: InterchangeError): Promise<never> => {
      await this.audit.record({
        ...auditBase,
        outcome: 'denied',
        details: { date, code: err.code, message: err.message },
      });
      throw protocolError(err);
    };
    if (!isIsoDate(date)) {
      return refuse(
        new InterchangeError('INVALID_REPORT', 'the date of the path must be a calendar date YYYY-MM-DD', [
          { path: '/date', message: 'must be a calendar date YYYY-MM-DD' },
        ]),
      );
    }
    const yesterday = addDaysToDate(beijingDateOf(Date.now()), -1);
    const oldest = addDaysToDate(yesterday, -this.config.AJX_INTERCHANGE_RECONCILIATION_MAX_AGE_DAYS);
    if (date > yesterday) {
      return refuse(
        new InterchangeError(
          'DATE_OUT_OF_RANGE',
          `${date} is not a closed day: reports are accepted for days up to yesterday (${yesterday}, Beijing)`,
          [{ path: '/date', message: `must be ${yesterday} or earlier` }],
        ),
      );
    }
    if (date < oldest) {
      return refuse(
        new InterchangeError(
          'DATE_OUT_OF_RANGE',
          `${date} is more than ${this.config.AJX_INTERCHANGE_RECONCILIATION_MAX_AGE_DAYS} days before yesterday: ` +
            `reports reach back to ${oldest} at most (an operator can re-send older days)`,
          [{ path: '/date', message: `must be ${oldest} or later` }],
        ),
      );
    }
    let report;
    try {
      report = parseReconciliationReport(raw, { date });
    } catch (err) {
      if (err instanceof InterchangeError) return refuse(err);
      throw err;
    }
    if (report.province !== endpoint.province) {
      return refuse(
        new InterchangeError(
          'WRONG_PROVINCE',
          `the report is for province ${report.province}; the key is of ${endpoint.province}`,
        ),
      );
    }
    if (endpoint.mode === 'off') {
      return refuse(
        new InterchangeError(
          'RESEND_REFUSED',
          `endpoint ${endpoint.id} does not push; pull the day again (GET /v1/interchange/events)`,
        ),
      );
    }
    await this.state.ensureEndpoint(endpoint.id, endpoint.province);
    const limit = this.config.AJX_INTERCHANGE_MAX_RESENDS_PER_DAY;
    const result = await this.state.requestResend({
      endpointId: endpoint.id,
      date,
      requestedBy: principal.id,
      report,
      limit,
    });
    if (!result) {
      return refuse(
        new InterchangeError(
          'RESEND_REFUSED',
          `${date} was re-sent ${limit} times already; an operator must look at it`,
        ),
      );
    }
    await this.audit.record({
      ...auditBase,
      outcome: 'ok',
      details: {
        date,
        cells: report.cells.length,
        resendId: result.resend.id,
        attempt: result.resend.attempt,
        joined: !result.created,
      },
    });
    return { date, resend: 'scheduled' };
  }
}
