import { dayNumber, isoDateOf } from './calendar';
import { evaluateEnterprise } from './enterprise.evaluator';
import { SupervisionState } from './supervision-state';
import { USCC, claim, hazard, input, jining, policy, registered, service } from './testing/supervision.fixture';
import type { SupervisionRegisterEntry } from './supervision.types';

type Rec = Parameters<typeof input>[0];
const params = jining();
const days = (date: string, n: number) => isoDateOf(dayNumber(date) + n);

function evaluation(asOf: string, records: readonly Rec[], register: readonly SupervisionRegisterEntry[] = []) {
  const state = new SupervisionState();
  for (const r of records) state.apply(input(r));
  state.replaceRegister(register);
  return evaluateEnterprise(state.enterprise(USCC), asOf, params);
}
const revisitOn = (asOf: string, records: readonly Rec[], register?: readonly SupervisionRegisterEntry[]) =>
  evaluation(asOf, records, register).revisitOn;

// The jining pack's windows, as the rules use them.
const notice = params.renewalNoticeDays;
const lookback = params.lookbackDays;

describe('revisitOn: the day an enterprise must be evaluated again without new records', () => {
  // A renewed policy (a successor from 2025-01-01) keeps RENEWAL_DUE quiet: only the dates of the policies count.
  const current = policy({ coverage: { start: '2024-01-01', end: '2024-12-31' } });
  const renewal = policy({ policyNo: 'PICCAZ2025000001', coverage: { start: '2025-01-01', end: '2025-12-31' } });
  const services = ['training', 'risk_assessment', 'emergency_drill'].map((item, i) =>
    service({ serviceId: `S${i}`, item: item as never, endedAt: '2024-03-01T16:00:00+08:00' }),
  );

  it('is the start of a policy that has not started', () => {
    expect(revisitOn('2024-06-30', [policy({ coverage: { start: '2024-08-01', end: '2025-07-31' } })])).toBe(
      '2024-08-01',
    );
  });

  it('is the first day of the renewal notice of an in-force policy without a successor, then every day', () => {
    expect(revisitOn('2024-06-30', [current, ...services])).toBe(days('2024-12-31', -notice));
    expect(revisitOn(days('2024-12-31', -notice), [current, ...services])).toBe(days('2024-12-31', 1 - notice));
  });

  it('is the day after the end of a renewed policy, then the end of its lookback window', () => {
    expect(revisitOn('2024-06-30', [current, renewal, ...services])).toBe('2025-01-01');
    const after = [current, policy({ ...renewal, coverage: { start: '2025-01-01', end: '2027-12-31' } }), ...services];
    expect(revisitOn('2025-01-01', after)).toBe(days('2025-01-01', lookback));
  });

  it('is the cancellation day of a policy cancelled in the future', () => {
    expect(revisitOn('2024-06-30', [policy({ ...current, cancelledOn: '2024-09-01' }), renewal, ...services])).toBe(
      '2024-09-01',
    );
  });

  it('is the next day while a lapse is counted, with or without a register entry or a risk deposit', () => {
    const lapsed = [policy({ coverage: { start: '2023-01-01', end: '2023-12-31' } })];
    expect(revisitOn('2024-06-30', lapsed)).toBe('2024-07-01');
    expect(revisitOn('2024-06-30', lapsed, [registered({ alternative: 'risk_deposit' })])).toBe('2024-07-01');
  });

  it('is the day a service ending in the future starts to count for an in-force policy', () => {
    const future = service({ serviceId: 'S9', endedAt: '2024-08-15T16:00:00+08:00' });
    expect(revisitOn('2024-06-30', [current, renewal, ...services, future])).toBe('2024-08-15');
  });

  it('is the day after a hazard’s deadline, then every day while it is overdue', () => {
    const h = hazard({ rectifyBy: '2024-07-10' });
    expect(revisitOn('2024-06-30', [h])).toBe('2024-07-11');
    expect(revisitOn('2024-07-11', [h])).toBe('2024-07-12');
    expect(revisitOn('2024-07-11', [hazard({ rectifyBy: '2024-07-10', status: 'rectified' })])).toBeNull();
  });

  it('is the first late day of a pending claim decision, then every day; never for a decided one', () => {
    const pending = claim({ documentsCompleteAt: '2024-06-20T09:00:00+08:00' });
    const due = days('2024-06-20', params.claimDecisionDays + 1);
    expect(revisitOn('2024-06-20', [pending])).toBe(due);
    expect(revisitOn(due, [pending])).toBe(days(due, 1));
    expect(revisitOn(due, [{ ...pending, decidedAt: '2024-06-21T09:00:00+08:00' }])).toBeNull();
  });

  it('is null for a registered enterprise without records (UNINSURED counts no days)', () => {
    expect(revisitOn('2024-06-30', [], [registered()])).toBeNull();
  });
});
