import type {
  AccidentRecord,
  ClaimRecord,
  HazardRecord,
  PolicyRecord,
  RecordKind,
  RecordOfKind,
  ServiceRecord,
} from '@ajx/contracts';
import type { Visibility } from '../rule-pack/rule-pack.types';
import type {
  AccidentView,
  ClaimView,
  HazardView,
  PolicyView,
  ServiceView,
  ViewOfKind,
} from '../view/department-view.types';
import { maskCertificateNo, maskName, maskNullable, maskPhone } from './field.masks';

/** How a department sees the field classes of a record (an `Entitlement` is one). */
export interface FieldVisibility {
  readonly personal: Visibility;
  readonly commercial: Visibility;
}

/** How one record kind is masked. A further kind is one more entry of {@link RECORD_MASKS}. */
interface KindMask<K extends RecordKind> {
  /** A member only records of this kind have (a hazard has a `policyNo` and a `serviceId` too). */
  readonly mark: string;
  /** A copy sharing no object with the record; `personal` / `commercial`: mask that class. */
  mask(record: RecordOfKind[K], personal: boolean, commercial: boolean): ViewOfKind[K];
}

const RECORD_MASKS: { readonly [K in RecordKind]: KindMask<K> } = {
  policy: { mark: 'premium', mask: maskPolicy },
  service: { mark: 'staff', mask: maskService },
  hazard: { mark: 'hazardId', mask: copyHazard },
  accident: { mark: 'accidentId', mask: maskAccident },
  claim: { mark: 'claimNo', mask: maskClaim },
};

/**
 * The department view of a canonical record: a new object (the input is never mutated and shares no object with
 * the result), personal and commercial fields masked as the entitlement says. Applied before the view row is
 * written, so the stored row is already masked.
 */
export function maskRecord<K extends RecordKind>(
  kind: K,
  record: RecordOfKind[K],
  entitlement: FieldVisibility,
): ViewOfKind[K] {
  const rule = (RECORD_MASKS as unknown as Partial<Record<string, KindMask<K>>>)[kind];
  if (rule === undefined) throw new TypeError(`maskRecord: unknown record kind ${JSON.stringify(kind)}`);
  if (typeof record !== 'object' || record === null || !(rule.mark in record))
    throw new TypeError(`maskRecord: not a ${kind} record (no ${rule.mark})`);
  return rule.mask(record, entitlement.personal === 'masked', entitlement.commercial === 'masked');
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

/** The direct economic loss is a commercial figure (what the insurer may have to pay); casualties are not personal. */
function maskAccident(r: AccidentRecord, _personal: boolean, commercial: boolean): AccidentView {
  return { ...r, enterprise: { ...r.enterprise }, directLossFen: commercial ? null : r.directLossFen };
}

/** A claim's amounts (claimed, agreed, paid) are commercial; it carries no personal field (victims is a count). */
function maskClaim(r: ClaimRecord, _personal: boolean, commercial: boolean): ClaimView {
  return commercial
    ? { ...r, enterprise: { ...r.enterprise }, claimedFen: null, agreedFen: null, paidFen: null }
    : { ...r, enterprise: { ...r.enterprise } };
}
