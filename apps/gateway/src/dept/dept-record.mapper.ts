import type { ViewRow } from '@ajx/dept-store';
import type { DeptRecordDto } from './dto/dept.dto';

/** A view row as the API shows it (masks were applied when the row was written). */
export function deptRecordDto(r: ViewRow): DeptRecordDto {
  return {
    kind: r.kind,
    insurer: r.insurer,
    subject: r.subject,
    version: r.version,
    eventId: r.eventId,
    action: r.action,
    uscc: r.uscc,
    region: r.region,
    sector: r.sector,
    status: r.status ?? '',
    level: r.level,
    urgent: r.urgent,
    businessTime: r.businessTime,
    updatedAt: r.updatedAt.toISOString(),
    data: r.data,
  };
}
