import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import { findKindRule, jurisdictionPrefix, type RulePack } from '@ajx/authz';
import type { Sector } from '@ajx/contracts';
import type { Principal } from '@ajx/identity';
import {
  RegisterIntake,
  RegisterRejectedError,
  RegisterRepository,
  type RegisterScope,
  type RegisterSource,
  RegisterTooLargeError,
  type RegisterVersion,
} from '@ajx/interchange-store';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import type { IncomingBody } from '../http/incoming-upload';
import type { RegisterPageDto, RegisterQueryDto, RegisterVersionsQueryDto } from './dto/register.dto';

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/jsonl', 'application/x-jsonlines']);

/**
 * The must-insure register (应保企业名录) over HTTP: a department submits the compilation of its jurisdiction (and of
 * the sectors its kind supervises), the province the register of the whole province; each submission becomes a
 * version and replaces the current register of its scope. Readers see their own scope. Everything is audited.
 */
@Injectable()
export class RegisterService {
  private readonly pack: RulePack;

  constructor(
    private readonly config: GatewayConfig,
    private readonly intake: RegisterIntake,
    private readonly repo: RegisterRepository,
    private readonly audit: AuditLog,
  ) {
    this.pack = config.rulePack();
  }

  /** What a principal may submit and read: its region subtree and, for a sector department, its sectors. */
  scopeOf(p: Principal): RegisterScope {
    if (p.type === 'province' && p.regionCode) {
      const province = p.regionCode.slice(0, 2);
      return { regionPrefix: province, sectors: null, label: `province ${province}` };
    }
    if (p.type === 'department' && p.department) {
      const prefix = jurisdictionPrefix(p.department.level, p.department.regionCode);
      const rule = findKindRule(this.pack, p.department.kind);
      if (!rule) throw apiError(403, 'FORBIDDEN', `department kind ${p.department.kind} is not in the rule pack`);
      return {
        regionPrefix: prefix,
        sectors: rule.allSectors ? null : rule.sectors,
        label: `the jurisdiction ${prefix} of ${p.id}`,
      };
    }
    if (p.type === 'operator') return { regionPrefix: '', sectors: null, label: 'every region' };
    throw apiError(403, 'FORBIDDEN', `the register is not available to a ${p.type}`);
  }

  async submit(p: Principal, source: RegisterSource, body: IncomingBody, requestId?: string): Promise<RegisterVersion> {
    const scope = this.scopeOf(p);
    const auditBase = { actor: p.id, action: 'register.submit', target: `region:${scope.regionPrefix}`, requestId };
    if (!NDJSON_TYPES.has(body.contentType)) {
      throw apiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'send the register as application/x-ndjson, one enterprise per line',
      );
    }
    const max = this.config.AJX_REGISTER_MAX_BYTES;
    const declared = body.length;
    if (declared !== null && declared > max) {
      throw apiError(413, 'PAYLOAD_TOO_LARGE', `the body is ${declared} bytes; the limit is ${max}`);
    }
    try {
      const version = await this.intake.submit({
        source,
        submittedBy: p.id,
        scope,
        requestId: requestId ?? null,
        body: body.stream as AsyncIterable<Buffer>,
        maxBytes: max,
      });
      await this.audit.record({
        ...auditBase,
        outcome: 'ok',
        details: {
          version: version.version,
          entries: version.entries,
          added: version.added,
          removed: version.removed,
          sectors: scope.sectors,
          sha256: version.contentSha256,
        },
      });
      return version;
    } catch (err) {
      if (err instanceof RegisterRejectedError) {
        await this.audit.record({
          ...auditBase,
          outcome: 'denied',
          details: { invalidLines: err.invalidLines, lines: err.lines, first: err.errors.slice(0, 5) },
        });
        throw apiError(422, 'INVALID_REGISTER', err.message, {
          lines: err.lines,
          invalidLines: err.invalidLines,
          errors: err.errors,
        });
      }
      if (err instanceof RegisterTooLargeError) {
        await this.audit.record({ ...auditBase, outcome: 'denied', details: { reason: 'too large', limit: max } });
        throw apiError(413, 'PAYLOAD_TOO_LARGE', err.message);
      }
      throw err;
    }
  }

  async entries(p: Principal, q: RegisterQueryDto, requestId?: string): Promise<RegisterPageDto> {
    const scope = this.scopeOf(p);
    const limit = q.limit ?? 100;
    const rows = await this.repo.entries({
      scopePrefix: scope.regionPrefix,
      scopeSectors: scope.sectors,
      region: q.region,
      sector: q.sector as Sector | undefined,
      uscc: q.uscc,
      version: q.version,
      after: q.after,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    await this.audit.record({
      actor: p.id,
      action: 'register.read',
      target: `region:${scope.regionPrefix}`,
      outcome: 'ok',
      details: { filter: { ...q }, rows: items.length },
      requestId,
    });
    return { items, next: rows.length > limit ? items[items.length - 1].uscc : null };
  }

  async versions(p: Principal, q: RegisterVersionsQueryDto, requestId?: string): Promise<RegisterVersion[]> {
    const scope = this.scopeOf(p);
    const list = await this.repo.versions(scope.regionPrefix, q.limit ?? 100, q.before);
    await this.audit.record({
      actor: p.id,
      action: 'register.versions',
      target: `region:${scope.regionPrefix}`,
      outcome: 'ok',
      details: { rows: list.length },
      requestId,
    });
    return list;
  }
}
