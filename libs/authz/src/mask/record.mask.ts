import type { HazardRecord, PolicyRecord, RecordOfKind, ServiceRecord, V1RecordKind } from '@ajx/contracts';
import type { Visibility } from '../rule-pack/rule-pack.types';
import type { HazardView, PolicyView, ServiceView, ViewOfKind } from '../view/department-view.types';
import { maskCertificateNo, maskName, maskNullable, maskPhone } from './field.masks';

/** How a department sees the field classes of a record (an `Entitlement` is one). */
export interface FieldVisibility {
  readonly personal: Visibility;
  readonly commercial: Visibility;
}

/** A member only records of that kind have (a hazard has a `policyNo` and a `serviceId` too). */
const KIND_MARK: Readonly<Record<V1RecordKind, string>> = {
  policy: 'premium',
  service: 'staff',
  hazard: 'hazardId',
};

/**
 * The department view of a canonical record: a new object (the input is never mutated and shares no object with
 * the result), personal and commercial fields masked as the entitlement says. Applied before the view row is
 * written, so the stored row is already masked.
 */
export function maskRecord<K extends V1RecordKind>(
  kind: K,
  record: RecordOfKind[K],
  entitlement: FieldVisibility,
): ViewOfKind[K] {
  const mark = KIND_MARK[kind] as string | undefined;
  if (mark === undefined) throw new TypeError(`maskRecord: unknown record kind ${JSON.stringify(kind)}`);
  if (typeof record !== 'object' || record === null || !(mark in record))
    throw new TypeError(`maskRecord: not a ${kind} record (no ${mark})`);
  const personal = entitlement.personal === 'masked';
  const commercial = entitlement.commercial === 'masked';
  switch (kind) {
    case 'policy':
      return maskPolicy(record as PolicyRecord, personal, commercial) as ViewOfKind[K];
    case 'service':
      return maskService(record as ServiceRecord, personal, commercial) as ViewOfKind[K];
    default:
      return copyHazard(record as HazardRecord) as ViewOfKind[K];
  }
}

function maskPolicy(r: PolicyRecord, personal: boolean, commercial: boolean): PolicyView {
  return {
    ...r,
    enterprise: { ...r.enterprise },
    contact: personal
      ? { ...r.contact, name: maskNullable(r.contact.name, maskName), phone: maskNullable(r.contact.phone, maskPhone) }
      : { ...r.contact },
    coverage: { ...r.coverage },
    premium: commercial
      ? { amountFen: null, adjustmentPct: null, factors: null }
      : { ...r.premium, factors: { ...r.premium.factors } },
    preventionFeeFen: commercial ? null : r.preventionFeeFen,
  };
}

function maskService(r: ServiceRecord, personal: boolean, commercial: boolean): ServiceView {
  return {
    ...r,
    enterprise: { ...r.enterprise },
    provider: { ...r.provider },
    staff: r.staff.map((s) =>
      personal
        ? { ...s, name: maskName(s.name), certificateNo: maskNullable(s.certificateNo, maskCertificateNo) }
        : { ...s },
    ),
    costFen: commercial ? null : r.costFen,
    revisit: r.revisit === null ? null : { ...r.revisit },
  };
}

function copyHazard(r: HazardRecord): HazardView {
  return { ...r, enterprise: { ...r.enterprise } };
}
