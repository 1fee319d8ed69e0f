import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import type { RecordKind } from '@ajx/contracts';
import { departmentScopeOf, DeptViewRepository, type ViewCursor } from '@ajx/dept-store';
import type { Principal } from '@ajx/identity';
import { apiError } from '../http/api-error';
import { deptRecordDto } from './dept-record.mapper';
import {
  COLLECTION_FILTERS,
  type DeptPageDto,
  type DeptQueryDto,
  type DeptRecordDto,
  KIND_PATHS,
  type KindPath,
} from './dto/dept.dto';

/** The record kind of a collection path (`policies` → policy); 404 for any other path. */
export function kindOfCollection(path: string): RecordKind {
  const kind = KIND_PATHS[path as KindPath] as (typeof KIND_PATHS)[KindPath] | undefined;
  if (!kind) throw apiError(404, 'NOT_FOUND', `no such collection ${path}; use ${Object.keys(KIND_PATHS).join(', ')}`);
  return kind;
}

/** The filters must fit the collection: its statuses and levels, a period only where the kind has a date. */
function checkFilters(collection: string, kind: RecordKind, q: DeptQueryDto): void {
  const f = COLLECTION_FILTERS[kind];
  const refuse = (message: string) => apiError(400, 'INVALID_QUERY', message);
  if (q.status !== undefined && !f.statuses.includes(q.status))
    throw refuse(`status ${q.status} is not one of ${collection}: ${f.statuses.join(', ')}`);
  if (q.level !== undefined && !f.levels.includes(q.level))
    throw refuse(
      f.levels.length
        ? `level ${q.level} is not one of ${collection}: ${f.levels.join(', ')}`
        : `${collection} have no level to filter by`,
    );
  if ((q.from !== undefined || q.to !== undefined) && f.period === null)
    throw refuse(`${collection} have no date to filter by from/to (accidents and claims have)`);
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw refuse(`from ${q.from} is after to ${q.to}`);
}

export function encodeViewCursor(c: ViewCursor): string {
  return Buffer.from(JSON.stringify([c.insurer, c.subject])).toString('base64url');
}

export function decodeViewCursor(s: string): ViewCursor {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') {
      return { insurer: v[0], subject: v[1] };
    }
  } catch {
    // fall through
  }
  throw apiError(400, 'INVALID_CURSOR', 'after is not a cursor returned by this API');
}

/** A department's reads of its own view: every answer comes from rows the database lets it see. */
@Injectable()
export class DeptService {
  constructor(
    private readonly views: DeptViewRepository,
    private readonly audit: AuditLog,
  ) {}

  async page(principal: Principal, collection: string, q: DeptQueryDto, requestId?: string): Promise<DeptPageDto> {
    const kind = kindOfCollection(collection);
    checkFilters(collection, kind, q);
    const scope = departmentScopeOf(principal);
    const limit = q.limit ?? 100;
    const rows = await this.views.page(
      scope,
      kind,
      {
        uscc: q.uscc,
        region: q.region,
        sector: q.sector,
        status: q.status,
        level: q.level,
        updatedSince: q.updatedSince ? new Date(q.updatedSince) : undefined,
        insurer: q.insurer,
        recordFrom: q.from,
        recordTo: q.to,
      },
      q.after ? decodeViewCursor(q.after) : null,
      limit,
    );
    await this.audit.record({
      actor: principal.id,
      action: 'dept.query',
      target: kind,
      outcome: 'ok',
      details: { filters: { ...q }, returned: rows.length },
      requestId,
    });
    const last = rows[rows.length - 1];
    return { items: rows.map(deptRecordDto), next: rows.length === limit && last ? encodeViewCursor(last) : null };
  }

  async get(
    principal: Principal,
    collection: string,
    subject: string,
    insurer: string | undefined,
    requestId?: string,
  ): Promise<DeptRecordDto> {
    if (insurer !== undefined && !/^[A-Z][A-Z0-9_]{1,31}$/.test(insurer))
      throw apiError(400, 'INVALID_QUERY', 'insurer must be an insurer code');
    const kind = kindOfCollection(collection);
    const rows = await this.views.bySubject(departmentScopeOf(principal), kind, subject, insurer);
    const outcome = rows.length === 1 ? 'ok' : 'denied';
    await this.audit.record({
      actor: principal.id,
      action: 'dept.read',
      target: `${kind}:${insurer ?? '*'}:${subject}`,
      outcome,
      requestId,
    });
    if (rows.length === 0) throw apiError(404, 'NOT_FOUND', `no ${kind} ${subject} in your view`);
    if (rows.length > 1) {
      throw apiError(409, 'AMBIGUOUS_SUBJECT', `${subject} exists for several insurers; add ?insurer=`, {
        insurers: rows.map((r) => r.insurer),
      });
    }
    return deptRecordDto(rows[0]);
  }
}
