import type { SupervisionRuleId } from '@ajx/authz';
import type { ServiceItem } from '@ajx/contracts';
import { gradeRank, requiredGrade } from './accident.rules';
import {
  beijingDayOf,
  dayNumber,
  instantOf,
  isoDateOf,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  quarterOf,
} from './calendar';
import { compareCodePoints } from './code-point';
import { KEY_SEPARATOR, type FigureContribution, type FigureMember } from './figures';
import { findingMessage, type MessageContext } from './finding-messages';
import { expectedRate, hundredths, missingRateInputs, requiredFee } from './rate.rules';
import type { EnterpriseRecords, RecordEntry } from './supervision-state';
import { inJurisdiction, ruleApplies, severityOf, type SupervisionParameters } from './supervision-parameters';
import type { FactsOfRule, Finding, IsoDate, SupervisedPolicy, SupervisionRegisterEntry } from './supervision.types';

/** One enterprise's findings and its contributions to the figures, on asOf. */
export interface EnterpriseEvaluation {
  readonly uscc: string;
  readonly findings: readonly Finding[];
  readonly contributions: readonly FigureContribution[];
  /**
   * The first day after asOf on which this evaluation may come out otherwise with the same records and pack: a date
   * the rules compare asOf with (a start, an end, a deadline, the end of the lookback window), or the next day when a
   * finding counts days (RENEWAL_DUE, LAPSED, HAZARD_OVERDUE, a pending late claim). null: never. It does not depend
   * on the register entry (a register change is evaluated when it comes), so the daily run of the service
   * re-evaluates only the enterprises whose day has come.
   */
  readonly revisitOn: IsoDate | null;
}

/** A policy's latest version with its dates as day numbers. */
interface PolicyView {
  readonly key: string;
  readonly p: SupervisedPolicy;
  readonly previous: SupervisedPolicy | null;
  readonly start: number;
  readonly end: number;
  readonly cancelled: number | null;
}

/** Non-revoked services of the enterprise: `insurer␀item` → the Beijing days they ended. */
type ServiceDays = Map<string, number[]>;

/**
 * What an evaluation derives from an enterprise's records alone (not from asOf, the register or the pack), kept
 * until the records change: the daily full run re-evaluates every enterprise, most of them unchanged.
 */
interface Derived {
  readonly revision: number;
  readonly policies: readonly PolicyView[];
  readonly services: ServiceDays;
}
const DERIVED = new WeakMap<EnterpriseRecords, Derived>();

/** The days before a policy's start in which an accident counts for `priorYearAccident` (上年度). */
const PRIOR_YEAR_DAYS = 365;

const EMPTY: EnterpriseEvaluation['findings'] = [];

/**
 * Evaluates every rule and figure of SUPERVISION.md for one enterprise (uscc) on asOf: a pure function of its
 * records, its register entry and the pack. The findings come in no particular order.
 */
export function evaluateEnterprise(
  records: EnterpriseRecords | undefined,
  asOf: IsoDate,
  params: SupervisionParameters,
): EnterpriseEvaluation {
  if (!records) return { uscc: '', findings: EMPTY, contributions: [], revisitOn: null };
  return new EnterpriseEvaluator(records, dayNumber(asOf), params).run();
}

class EnterpriseEvaluator {
  private readonly findings: Finding[] = [];
  private readonly contributions: FigureContribution[] = [];
  private readonly reg: SupervisionRegisterEntry | null;
  private readonly riskDeposit: boolean;
  private readonly lookbackStart: number;
  private revisit = Number.POSITIVE_INFINITY;

  constructor(
    private readonly e: EnterpriseRecords,
    private readonly asOf: number,
    private readonly params: SupervisionParameters,
  ) {
    this.reg = e.register;
    this.riskDeposit = e.register?.alternative === 'risk_deposit';
    this.lookbackStart = asOf - params.lookbackDays;
  }

  run(): EnterpriseEvaluation {
    let derived = DERIVED.get(this.e);
    if (derived?.revision !== this.e.revision) {
      derived = { revision: this.e.revision, policies: this.policies(), services: this.serviceDays() };
      DERIVED.set(this.e, derived);
    }
    const { policies, services } = derived;
    this.policyRules(policies, services);
    this.coverage(policies);
    this.hazards();
    this.accidents();
    this.claims();
    this.ledgerOfServices();
    // The day a service ends in the future makes it count for the in-force policies' training and risk figures.
    for (const days of services.values()) for (const d of days) this.changesOn(d);
    return {
      uscc: this.e.uscc,
      findings: this.findings,
      contributions: this.contributions,
      revisitOn: this.revisit === Number.POSITIVE_INFINITY ? null : isoDateOf(this.revisit),
    };
  }

  /** The evaluation may come out otherwise from `day` on (a date the rules compare asOf with). */
  private changesOn(day: number): void {
    if (day > this.asOf && day < this.revisit) this.revisit = day;
  }

  /** Facts count days up to asOf: the evaluation comes out otherwise tomorrow. */
  private daily(): void {
    this.changesOn(this.asOf + 1);
  }

  // ── inputs ─────────────────────────────────────────────────────────────────────────────────────────────────

  /** The enterprise's non-void policies (void: cancelled on or before the start), by start. */
  private policies(): PolicyView[] {
    const out: PolicyView[] = [];
    for (const entry of this.e.policy.values()) {
      const p = entry.latest;
      const start = dayNumber(p.coverage.start);
      const cancelled = p.cancelledOn === null ? null : dayNumber(p.cancelledOn);
      if (cancelled !== null && cancelled <= start) continue;
      out.push({ key: entry.key, p, previous: entry.previous, start, end: dayNumber(p.coverage.end), cancelled });
    }
    return out.sort((a, b) => a.start - b.start || compareCodePoints(a.key, b.key));
  }

  private serviceDays(): ServiceDays {
    const days: ServiceDays = new Map();
    for (const { latest: s } of this.e.service.values()) {
      if (s.action === 'revoked') continue;
      const k = s.insurer + KEY_SEPARATOR + s.item;
      const list = days.get(k);
      const day = beijingDayOf(s.endedAt);
      if (list) list.push(day);
      else days.set(k, [day]);
    }
    return days;
  }

  private hasService(services: ServiceDays, insurer: string, item: ServiceItem, from: number, to: number): boolean {
    const list = services.get(insurer + KEY_SEPARATOR + item);
    if (!list) return false;
    for (const d of list) if (d >= from && d <= to) return true;
    return false;
  }

  // ── terms ──────────────────────────────────────────────────────────────────────────────────────────────────

  private inForce(v: PolicyView): boolean {
    return v.start <= this.asOf && this.asOf <= v.end && !(v.cancelled !== null && v.cancelled <= this.asOf);
  }

  private employees(p: SupervisedPolicy): number {
    const registered = this.reg?.employeeCount;
    return registered === undefined || registered === null
      ? p.enterprise.employeeCount
      : Math.max(p.enterprise.employeeCount, registered);
  }

  /** Another non-void policy of the enterprise starting after v and at the latest the day after its end. */
  private hasSuccessor(v: PolicyView, all: readonly PolicyView[]): boolean {
    for (const q of all) if (q !== v && q.start > v.start && q.start <= v.end + 1) return true;
    return false;
  }

  /** Among the policies of which v is the successor, the one with the latest end (ties: the smaller key). */
  private predecessor(v: PolicyView, all: readonly PolicyView[]): PolicyView | null {
    let best: PolicyView | null = null;
    for (const p of all) {
      if (p === v || !(v.start > p.start && v.start <= p.end + 1)) continue;
      if (!best || p.end > best.end || (p.end === best.end && compareCodePoints(p.key, best.key) < 0)) best = p;
    }
    return best;
  }

  private applies(rule: SupervisionRuleId, regionCode: string): boolean {
    return ruleApplies(this.params, rule, regionCode);
  }

  // ── policies ───────────────────────────────────────────────────────────────────────────────────────────────

  private policyRules(policies: readonly PolicyView[], services: ServiceDays): void {
    const params = this.params;
    for (const v of policies) {
      const p = v.p;
      const region = p.enterprise.regionCode;
      const sector = p.enterprise.sector;
      const inForce = this.inForce(v);
      const recent = v.end >= this.lookbackStart;
      const employees = this.employees(p);
      const insured = p.coverage.insuredHeadcount;
      const at = { key: v.key, insurer: p.insurer, uscc: p.enterprise.uscc, regionCode: region, sector };
      // in force from the start to the end or the cancellation; recent until the lookback window passes its end
      this.changesOn(v.start);
      this.changesOn(v.end + 1);
      if (v.cancelled !== null) this.changesOn(v.cancelled);
      this.changesOn(v.end + 1 + params.lookbackDays);

      if (inForce) {
        // Not gated by the register (risk deposit): the day to revisit depends on the records and the pack only.
        if (this.applies('RENEWAL_DUE', region) && !this.hasSuccessor(v, policies)) {
          if (v.end - this.asOf <= params.renewalNoticeDays) this.daily();
          else this.changesOn(v.end - params.renewalNoticeDays);
        }
        if (
          !this.riskDeposit &&
          this.applies('RENEWAL_DUE', region) &&
          v.end - this.asOf <= params.renewalNoticeDays &&
          !this.hasSuccessor(v, policies)
        )
          this.add(
            'RENEWAL_DUE',
            { ...at, insurer: null },
            { end: p.coverage.end, daysLeft: v.end - this.asOf },
            p.insurer,
          );
        if (insured < employees && this.applies('PARTIAL_HEADCOUNT', region))
          this.add('PARTIAL_HEADCOUNT', at, { insured, employees, missing: employees - insured });
        if (
          v.previous !== null &&
          insured < v.previous.coverage.insuredHeadcount &&
          insured < employees &&
          this.applies('HEADCOUNT_REDUCED', region)
        )
          this.add('HEADCOUNT_REDUCED', at, {
            before: v.previous.coverage.insuredHeadcount,
            after: insured,
            employees,
          });
        this.contribute('headcount', region + KEY_SEPARATOR + sector, [1, insured, employees]);
        this.contribute('premium', region + KEY_SEPARATOR + p.insurer, [1, p.premium.amountFen]);
      }

      if (recent) this.recentPolicyRules(v, policies, services, at);

      // fee ledger (every non-void policy, by the quarter of its start)
      const required =
        params.feeRateBp !== null && inJurisdiction(params, region)
          ? requiredFee(p.premium.amountFen, params.feeRateBp)
          : 0;
      this.contribute('ledger', p.insurer + KEY_SEPARATOR + region + KEY_SEPARATOR + quarterOf(v.start), [
        p.premium.amountFen,
        required,
        p.preventionFeeFen ?? 0,
        0,
      ]);

      // service coverage
      const ended = recent && v.end < this.asOf && !(v.cancelled !== null && v.cancelled < v.end);
      const complete =
        ended && params.requiredItems.every((item) => this.hasService(services, p.insurer, item, v.start, v.end));
      const training = inForce && this.hasService(services, p.insurer, 'training', v.start, this.asOf);
      const risk = inForce && this.hasService(services, p.insurer, 'risk_assessment', v.start, this.asOf);
      if (ended || inForce)
        this.contribute('serviceCoverage', p.insurer + KEY_SEPARATOR + region, [
          ended ? 1 : 0,
          complete ? 1 : 0,
          inForce ? 1 : 0,
          training ? 1 : 0,
          risk ? 1 : 0,
        ]);
    }
  }

  private recentPolicyRules(
    v: PolicyView,
    policies: readonly PolicyView[],
    services: ServiceDays,
    at: Attribution,
  ): void {
    const params = this.params;
    const p = v.p;
    const region = p.enterprise.regionCode;

    if (this.applies('RENEWAL_INSURER_CHANGED', region)) {
      const previous = this.predecessor(v, policies);
      if (previous && previous.p.insurer !== p.insurer)
        this.add('RENEWAL_INSURER_CHANGED', at, {
          previousInsurer: previous.p.insurer,
          previousPolicyNo: previous.p.policyNo,
        });
    }

    const territories = params.territories;
    if (territories && this.applies('OUT_OF_TERRITORY', region)) {
      const county = territories.counties.get(region);
      const sector = p.enterprise.sector;
      if (county && !territories.citywideSectors.has(sector)) {
        const allowed = [...new Set([...county.insurers, ...(territories.citywideInsurers.get(sector) ?? [])])].sort(
          compareCodePoints,
        );
        if (!allowed.includes(p.insurer)) this.add('OUT_OF_TERRITORY', at, { county: region, sector, allowed });
      }
    }

    const premium = p.premium;
    const reported = premium.adjustmentPct;
    if (params.rate && reported !== null) {
      if (this.applies('RATE_MISMATCH', region)) {
        const expected = expectedRate(params.rate, premium.factors);
        if (expected && hundredths(reported) !== hundredths(expected.expected))
          this.add('RATE_MISMATCH', at, { reported, expected: expected.expected, terms: expected.terms });
      }
      if (reported < params.rate.floor && this.applies('RATE_BELOW_FLOOR', region))
        this.add('RATE_BELOW_FLOOR', at, { reported, floor: params.rate.floor });
    }
    if (this.applies('RATE_UNVERIFIABLE', region)) {
      const missing = missingRateInputs(premium);
      if (missing.length > 0) this.add('RATE_UNVERIFIABLE', at, { missing });
    }

    if (params.feeRateBp !== null && this.applies('FEE_UNDER_ACCRUED', region)) {
      const required = requiredFee(premium.amountFen, params.feeRateBp);
      if (p.preventionFeeFen === null || p.preventionFeeFen < required)
        this.add('FEE_UNDER_ACCRUED', at, { reported: p.preventionFeeFen, required });
    }

    if (
      v.end < this.asOf &&
      !(v.cancelled !== null && v.cancelled < v.end) &&
      this.applies('SERVICE_MISSING', region)
    ) {
      const missingItems = params.requiredItems
        .filter((item) => !this.hasService(services, p.insurer, item, v.start, v.end))
        .sort(compareCodePoints);
      if (missingItems.length > 0)
        this.add('SERVICE_MISSING', at, { missingItems, start: p.coverage.start, end: p.coverage.end });
    }

    const declared = premium.factors.priorYearAccident;
    if (declared !== null && this.e.accident.size > 0 && this.applies('ACCIDENT_FACTOR_UNDERSTATED', region)) {
      let worst: RecordEntry<'accident'> | null = null;
      for (const a of this.e.accident.values()) {
        const day = beijingDayOf(a.latest.occurredAt);
        if (day < v.start - PRIOR_YEAR_DAYS || day > v.start - 1) continue;
        const rank = gradeRank(a.latest.grade);
        const best = worst === null ? -1 : gradeRank(worst.latest.grade);
        if (rank > best || (rank === best && worst !== null && compareCodePoints(a.key, worst.key) < 0)) worst = a;
      }
      if (worst && gradeRank(declared) < gradeRank(worst.latest.grade))
        this.add('ACCIDENT_FACTOR_UNDERSTATED', at, { declared, worst: worst.latest.grade, accident: worst.key });
    }
  }

  // ── the enterprise ─────────────────────────────────────────────────────────────────────────────────────────

  private coverage(policies: readonly PolicyView[]): void {
    let latest: PolicyView | null = null;
    let latestInForce: PolicyView | null = null;
    for (const v of policies) {
      if (v.start <= this.asOf && (latest === null || laterPolicy(v, latest))) latest = v;
      if (
        this.inForce(v) &&
        (latestInForce === null ||
          v.start > latestInForce.start ||
          (v.start === latestInForce.start && compareCodePoints(v.key, latestInForce.key) > 0))
      )
        latestInForce = v;
    }
    const reg = this.reg;
    const uscc = this.e.uscc;
    let state: 'insured' | 'uninsured' | 'lapsed' | 'surrendered' | 'pending' = latestInForce ? 'insured' : 'pending';
    if (reg && !this.riskDeposit && policies.length === 0 && this.applies('UNINSURED', reg.regionCode)) {
      this.add(
        'UNINSURED',
        { key: uscc, insurer: null, uscc, regionCode: reg.regionCode, sector: reg.sector },
        { employees: reg.employeeCount },
      );
      state = 'uninsured';
    }
    // LAPSED counts days (whatever the register says: the day to revisit does not depend on it)
    if (latestInForce === null && latest !== null && !(latest.cancelled !== null && latest.cancelled < latest.end))
      this.daily();
    if (!this.riskDeposit && latestInForce === null && latest !== null) {
      const p = latest.p;
      const at = { key: uscc, insurer: null, uscc, regionCode: p.enterprise.regionCode, sector: p.enterprise.sector };
      const surrendered = latest.cancelled !== null && latest.cancelled <= this.asOf && latest.cancelled < latest.end;
      if (surrendered) {
        if (this.applies('SURRENDERED', p.enterprise.regionCode)) {
          this.add('SURRENDERED', at, { cancelledOn: p.cancelledOn!, insurer: p.insurer });
          state = 'surrendered';
        }
      } else if (this.applies('LAPSED', p.enterprise.regionCode)) {
        this.add('LAPSED', at, {
          lastEnd: p.coverage.end,
          daysLapsed: this.asOf - latest.end,
          lastInsurer: p.insurer,
        });
        state = 'lapsed';
      }
    }
    if (reg) {
      const row = [1, 0, 0, 0, 0, 0, 0, 0];
      if (this.riskDeposit) row[1] = 1;
      else row[COVERAGE_COLUMN[state]] = 1;
      this.contribute('coverage', reg.regionCode + KEY_SEPARATOR + reg.sector, row);
    } else if (latestInForce) {
      const p = latestInForce.p;
      this.contribute(
        'coverage',
        p.enterprise.regionCode + KEY_SEPARATOR + p.enterprise.sector,
        [0, 0, 0, 0, 0, 0, 0, 1],
      );
    }
  }

  // ── hazards, accidents, claims, services ───────────────────────────────────────────────────────────────────

  private hazards(): void {
    const params = this.params;
    for (const entry of this.e.hazard.values()) {
      const h = entry.latest;
      const region = h.enterprise.regionCode;
      const at = {
        key: entry.key,
        insurer: h.insurer,
        uscc: h.enterprise.uscc,
        regionCode: region,
        sector: h.enterprise.sector,
      };
      let overdue = 0;
      if (h.status !== 'rectified' && h.rectifyBy !== null && this.applies('HAZARD_OVERDUE', region)) {
        const by = dayNumber(h.rectifyBy);
        if (by < this.asOf) this.daily();
        else this.changesOn(by + 1);
        if (by < this.asOf) {
          this.add(
            'HAZARD_OVERDUE',
            { ...at, insurer: null },
            { rectifyBy: h.rectifyBy, daysOverdue: this.asOf - by, level: h.level },
            h.insurer,
          );
          overdue = 1;
        }
      }
      const accepted = entry.earliestAcceptance;
      if (h.level === 'major' && accepted !== null && this.applies('HAZARD_REPORTED_LATE', region)) {
        const late = accepted.ms - instantOf(h.discoveredAt);
        if (late > params.majorReportHours * MS_PER_HOUR)
          this.add('HAZARD_REPORTED_LATE', at, {
            discoveredAt: h.discoveredAt,
            acceptedAt: accepted.at,
            hours: Math.floor(late / MS_PER_HOUR),
          });
      }
      this.contribute('hazards', region + KEY_SEPARATOR + h.level, [1, h.status === 'rectified' ? 1 : 0, overdue]);
    }
  }

  private accidents(): void {
    const params = this.params;
    for (const entry of this.e.accident.values()) {
      const a = entry.latest;
      const region = a.enterprise.regionCode;
      const at = {
        key: entry.key,
        insurer: a.insurer,
        uscc: a.enterprise.uscc,
        regionCode: region,
        sector: a.enterprise.sector,
      };
      const required = requiredGrade(a);
      if (gradeRank(a.grade) < gradeRank(required) && this.applies('GRADE_MISMATCH', region))
        this.add('GRADE_MISMATCH', at, {
          reported: a.grade,
          required,
          deaths: a.deaths,
          seriousInjuries: a.seriousInjuries,
          directLossFen: a.directLossFen,
        });
      let reportedLate = 0;
      if (this.applies('ACCIDENT_REPORTED_LATE', region)) {
        const reported = a.reportedToAuthorityAt;
        const delay = reported === null ? null : instantOf(reported) - instantOf(a.occurredAt);
        if (delay === null || delay > params.accidentReportHours * MS_PER_HOUR) {
          this.add(
            'ACCIDENT_REPORTED_LATE',
            { ...at, insurer: null },
            {
              occurredAt: a.occurredAt,
              reportedToAuthorityAt: reported,
              minutes: delay === null ? null : Math.floor(delay / MS_PER_MINUTE),
            },
            a.insurer,
          );
          reportedLate = 1;
        }
      }
      this.contribute('accidents', region + KEY_SEPARATOR + a.grade, [
        1,
        a.deaths,
        a.seriousInjuries,
        a.minorInjuries,
        a.directLossFen ?? 0,
        reportedLate,
      ]);
    }
  }

  private claims(): void {
    const params = this.params;
    for (const entry of this.e.claim.values()) {
      const c = entry.latest;
      const region = c.enterprise.regionCode;
      const at = {
        key: entry.key,
        insurer: c.insurer,
        uscc: c.enterprise.uscc,
        regionCode: region,
        sector: c.enterprise.sector,
      };
      let decisionLate = 0;
      if (c.documentsCompleteAt !== null && this.applies('CLAIM_DECISION_LATE', region)) {
        const late = this.lateness(
          c.documentsCompleteAt,
          c.decidedAt,
          params.claimDecisionDays,
          c.action !== 'withdrawn',
        );
        if (late !== null) {
          this.add('CLAIM_DECISION_LATE', at, {
            documentsCompleteAt: c.documentsCompleteAt,
            decidedAt: c.decidedAt,
            days: late,
          });
          decisionLate = 1;
        }
      }
      let paymentLate = 0;
      if (c.agreedAt !== null && this.applies('CLAIM_PAYMENT_LATE', region)) {
        const open = c.action !== 'withdrawn' && c.action !== 'rejected';
        const late = this.lateness(c.agreedAt, c.paidAt, params.claimPaymentDays, open);
        if (late !== null) {
          this.add('CLAIM_PAYMENT_LATE', at, { agreedAt: c.agreedAt, paidAt: c.paidAt, days: late });
          paymentLate = 1;
        }
      }
      const paid = c.action === 'paid';
      const settled = paid || c.action === 'rejected' || c.action === 'withdrawn';
      this.contribute('claims', c.insurer + KEY_SEPARATOR + region, [
        1,
        paid ? 1 : 0,
        c.action === 'rejected' ? 1 : 0,
        c.action === 'withdrawn' ? 1 : 0,
        settled ? 0 : 1,
        paid ? (c.paidFen ?? 0) : 0,
        decisionLate,
        paymentLate,
      ]);
    }
  }

  /**
   * The days late of a step due `limitDays` after `from`: done (`done` not null) more than limitDays × 24 h later
   * (whole days of the difference), or not done, still `pending`, and more than limitDays calendar days since the
   * Beijing date of `from` (calendar days to asOf). null when not late.
   */
  private lateness(from: string, done: string | null, limitDays: number, pending: boolean): number | null {
    if (done !== null) {
      const ms = instantOf(done) - instantOf(from);
      return ms > limitDays * MS_PER_DAY ? Math.floor(ms / MS_PER_DAY) : null;
    }
    if (!pending) return null;
    const since = beijingDayOf(from);
    const days = this.asOf - since;
    if (days > limitDays) this.daily();
    else this.changesOn(since + limitDays + 1);
    return days > limitDays ? days : null;
  }

  private ledgerOfServices(): void {
    for (const { latest: s } of this.e.service.values()) {
      if (s.action === 'revoked' || !s.costFen) continue;
      this.contribute(
        'ledger',
        s.insurer + KEY_SEPARATOR + s.enterprise.regionCode + KEY_SEPARATOR + quarterOf(beijingDayOf(s.endedAt)),
        [0, 0, 0, s.costFen],
      );
    }
  }

  // ── output ─────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Records a finding. `recordInsurer` is the insurer of the record the key names when the finding is attributed
   * to the enterprise (for its message).
   */
  private add<R extends SupervisionRuleId>(
    rule: R,
    at: Attribution,
    facts: FactsOfRule[R],
    recordInsurer: string | null = at.insurer,
  ): void {
    const params = this.params;
    const context: MessageContext = {
      key: at.key,
      insurer: at.insurer,
      recordInsurer,
      feeRateBp: params.feeRateBp,
      majorReportHours: params.majorReportHours,
      accidentReportHours: params.accidentReportHours,
      claimDecisionDays: params.claimDecisionDays,
      claimPaymentDays: params.claimPaymentDays,
      countyName: params.territories?.counties.get(at.regionCode)?.name ?? null,
    };
    this.findings.push({
      rule,
      key: at.key,
      severity: severityOf(rule),
      insurer: at.insurer,
      uscc: at.uscc,
      regionCode: at.regionCode,
      sector: at.sector,
      facts,
      message: findingMessage(rule, facts, context),
    } as Finding);
  }

  private contribute(member: FigureMember, key: string, values: readonly number[]): void {
    this.contributions.push({ member, key, values });
  }
}

interface Attribution {
  readonly key: string;
  readonly insurer: string | null;
  readonly uscc: string;
  readonly regionCode: string;
  readonly sector: Finding['sector'];
}

const COVERAGE_COLUMN = { insured: 2, uninsured: 3, lapsed: 4, surrendered: 5, pending: 6 } as const;

/** The latest policy: the latest start, then the later end, then the greater key. */
function laterPolicy(a: PolicyView, than: PolicyView): boolean {
  if (a.start !== than.start) return a.start > than.start;
  if (a.end !== than.end) return a.end > than.end;
  return compareCodePoints(a.key, than.key) > 0;
}
