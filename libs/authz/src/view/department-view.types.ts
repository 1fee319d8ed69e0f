import type {
  AccidentRecord,
  ClaimRecord,
  HazardRecord,
  PolicyRecord,
  RateFactors,
  RecordKind,
  ServiceRecord,
} from '@ajx/contracts';

/**
 * Department views: the canonical records as a department stores and reads them, after masking
 * (`maskRecord`). Schemas: `libs/authz/schemas/*-view.v1.schema.json` (`VIEW_SCHEMAS`).
 */

/** Commercial masking nulls the whole premium, rate factors included. */
export interface PremiumView {
  amountFen: number | null;
  adjustmentPct: number | null;
  factors: RateFactors | null;
}

/**
 * A policy as a department sees it. Personal masking keeps `contact` strings but replaces characters with `*`
 * (`contact.phone` is then no longer all digits); commercial masking nulls `premium`'s members and
 * `preventionFeeFen`.
 */
export interface PolicyView extends Omit<PolicyRecord, 'premium'> {
  premium: PremiumView;
}

/** Masked `staff[].name` / `staff[].certificateNo` keep their types; commercial masking nulls `costFen`. */
export type ServiceView = ServiceRecord;

/** Hazards carry no personal or commercial field: the view is the canonical record. */
export type HazardView = HazardRecord;

/** Commercial masking nulls `directLossFen` (already nullable in the canonical record). */
export type AccidentView = AccidentRecord;

/** Commercial masking nulls the amounts: `claimedFen` (required in the record) becomes nullable. */
export interface ClaimView extends Omit<ClaimRecord, 'claimedFen'> {
  claimedFen: number | null;
}

export interface ViewOfKind {
  policy: PolicyView;
  service: ServiceView;
  hazard: HazardView;
  accident: AccidentView;
  claim: ClaimView;
}

export type DepartmentView = ViewOfKind[RecordKind];
