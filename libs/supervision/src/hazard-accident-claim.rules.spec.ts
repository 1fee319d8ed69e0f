import { requiredGrade } from './accident.rules';
import { accident, claim, hazard, input, run } from './testing/supervision.fixture';

describe('HAZARD_OVERDUE', () => {
  const h = hazard({ rectifyBy: '2024-06-29' });

  it('fires for an unrectified hazard past its deadline, attributed to the enterprise', () => {
    expect(run('2024-06-29', [h]).findings).toEqual([]);
    const r = run('2024-06-30', [h]);
    expect(r.of('HAZARD_OVERDUE')).toEqual([
      expect.objectContaining({
        key: 'PICC/PICCYH2024000001',
        insurer: null,
        facts: { rectifyBy: '2024-06-29', daysOverdue: 1, level: 'general' },
      }),
    ]);
    expect(r.figures.hazards).toEqual([{ county: '370811', level: 'general', reported: 1, rectified: 0, overdue: 1 }]);
  });

  it('does not fire when rectified or without a deadline', () => {
    expect(run('2024-06-30', [{ ...h, status: 'rectified' as const }]).findings).toEqual([]);
    expect(run('2024-06-30', [{ ...h, rectifyBy: null }]).findings).toEqual([]);
  });
});

describe('HAZARD_REPORTED_LATE (浙江 二(四) 及时告知)', () => {
  const major = hazard({ level: 'major', discoveredAt: '2024-03-01T10:00:00+08:00' });

  it('fires when the hub accepted the major hazard more than 24 hours after its discovery', () => {
    expect(run('2024-06-30', [input(major, '2024-03-02T02:00:00.000Z')]).findings).toEqual([]); // exactly 24 h
    const r = run('2024-06-30', [input(major, '2024-03-02T02:00:00.001Z')]);
    expect(r.of('HAZARD_REPORTED_LATE')).toEqual([
      expect.objectContaining({
        insurer: 'PICC',
        facts: { discoveredAt: '2024-03-01T10:00:00+08:00', acceptedAt: '2024-03-02T02:00:00.001Z', hours: 24 },
      }),
    ]);
  });

  it('takes the earliest acceptance over all versions and the latest version’s level and discovery', () => {
    const v1 = input({ ...major, level: 'general' }, '2024-03-01T03:00:00.000Z');
    const v2 = input({ ...major, version: 2 }, '2024-03-10T00:00:00.000Z');
    expect(run('2024-06-30', [v2, v1]).findings).toEqual([]);
    const lateV1 = input({ ...major, level: 'general' }, '2024-03-05T00:00:00.000Z');
    expect(run('2024-06-30', [v2, lateV1]).factsOf('HAZARD_REPORTED_LATE')).toMatchObject({
      acceptedAt: '2024-03-05T00:00:00.000Z',
      hours: 94, // 2024-03-01T02:00Z → 2024-03-05T00:00Z
    });
    const downgraded = input({ ...major, version: 2, level: 'general' }, '2024-03-10T00:00:00.000Z');
    expect(run('2024-06-30', [input(major, '2024-03-05T00:00:00.000Z'), downgraded]).findings).toEqual([]);
  });

  it('cannot fire without any acceptance time', () => {
    expect(run('2024-06-30', [major]).findings).toEqual([]);
  });
});

describe('required grade (条例第三条, 以上包括本数)', () => {
  it.each([
    [{ deaths: 2, seriousInjuries: 9, directLossFen: 999_999_999 }, 'general'],
    [{ deaths: 3, seriousInjuries: 0, directLossFen: 0 }, 'larger'],
    [{ deaths: 0, seriousInjuries: 10, directLossFen: null }, 'larger'],
    [{ deaths: 0, seriousInjuries: 0, directLossFen: 1_000_000_000 }, 'larger'],
    [{ deaths: 10, seriousInjuries: 0, directLossFen: 0 }, 'major'],
    [{ deaths: 9, seriousInjuries: 50, directLossFen: 0 }, 'major'],
    [{ deaths: 0, seriousInjuries: 0, directLossFen: 5_000_000_000 }, 'major'],
    [{ deaths: 29, seriousInjuries: 99, directLossFen: 9_999_999_999 }, 'major'],
    [{ deaths: 30, seriousInjuries: 0, directLossFen: 0 }, 'especially_major'],
    [{ deaths: 0, seriousInjuries: 100, directLossFen: 0 }, 'especially_major'],
    [{ deaths: 0, seriousInjuries: 0, directLossFen: 10_000_000_000 }, 'especially_major'],
  ])('%j → %s', (a, grade) => expect(requiredGrade(a)).toBe(grade));
});

describe('GRADE_MISMATCH', () => {
  it('fires when the reported grade ranks below the required one', () => {
    const a = accident({ deaths: 4, seriousInjuries: 4, directLossFen: null });
    expect(run('2024-06-30', [a]).of('GRADE_MISMATCH')).toEqual([
      expect.objectContaining({
        insurer: 'PICC',
        facts: { reported: 'general', required: 'larger', deaths: 4, seriousInjuries: 4, directLossFen: null },
      }),
    ]);
  });

  it('does not fire for the required grade or a higher one', () => {
    expect(run('2024-06-30', [accident({ deaths: 3, grade: 'larger' })]).of('GRADE_MISMATCH')).toEqual([]);
    expect(run('2024-06-30', [accident({ deaths: 0, grade: 'major' })]).of('GRADE_MISMATCH')).toEqual([]);
  });
});

describe('ACCIDENT_REPORTED_LATE (条例第九条: 1 hour)', () => {
  const at = (reportedToAuthorityAt: string | null) =>
    accident({ occurredAt: '2024-05-01T10:00:00+08:00', reportedToAuthorityAt });

  it('does not fire at exactly one hour, fires one second later with whole minutes', () => {
    expect(run('2024-06-30', [at('2024-05-01T11:00:00+08:00')]).findings).toEqual([]);
    const r = run('2024-06-30', [at('2024-05-01T11:00:01+08:00')]);
    expect(r.of('ACCIDENT_REPORTED_LATE')).toEqual([
      expect.objectContaining({
        insurer: null,
        facts: {
          occurredAt: '2024-05-01T10:00:00+08:00',
          reportedToAuthorityAt: '2024-05-01T11:00:01+08:00',
          minutes: 60,
        },
      }),
    ]);
    expect(r.figures.accidents).toEqual([
      {
        county: '370811',
        grade: 'general',
        accidents: 1,
        deaths: 0,
        seriousInjuries: 1,
        minorInjuries: 2,
        directLossFen: 10_000_000,
        reportedLate: 1,
      },
    ]);
  });

  it('fires with minutes null when never reported', () => {
    expect(run('2024-06-30', [at(null)]).factsOf('ACCIDENT_REPORTED_LATE')).toEqual({
      occurredAt: '2024-05-01T10:00:00+08:00',
      reportedToAuthorityAt: null,
      minutes: null,
    });
  });
});

describe('CLAIM_DECISION_LATE (保险法第二十三条: 30 days)', () => {
  const docs = '2024-05-01T10:00:00+08:00';

  it('a decision exactly 30 days later is on time; one second more is late (whole days)', () => {
    expect(
      run('2024-06-30', [claim({ documentsCompleteAt: docs, decidedAt: '2024-05-31T10:00:00+08:00' })]).findings,
    ).toEqual([]);
    const r = run('2024-06-30', [claim({ documentsCompleteAt: docs, decidedAt: '2024-05-31T10:00:01+08:00' })]);
    expect(r.of('CLAIM_DECISION_LATE')).toEqual([
      expect.objectContaining({
        insurer: 'PICC',
        facts: { documentsCompleteAt: docs, decidedAt: '2024-05-31T10:00:01+08:00', days: 30 },
      }),
    ]);
  });

  it('an open claim is late when asOf − date(documentsCompleteAt) > 30 calendar days', () => {
    const open = claim({ documentsCompleteAt: '2024-05-31T23:00:00+08:00' });
    expect(run('2024-06-30', [open]).findings).toEqual([]); // 30 days
    expect(run('2024-07-01', [open]).factsOf('CLAIM_DECISION_LATE')).toEqual({
      documentsCompleteAt: '2024-05-31T23:00:00+08:00',
      decidedAt: null,
      days: 31,
    });
  });

  it('a withdrawn open claim is not late; one decided late stays late when withdrawn', () => {
    expect(run('2024-12-31', [claim({ action: 'withdrawn', documentsCompleteAt: docs })]).findings).toEqual([]);
    const decidedLate = claim({
      action: 'withdrawn',
      documentsCompleteAt: docs,
      decidedAt: '2024-07-01T10:00:00+08:00',
    });
    expect(run('2024-12-31', [decidedLate]).factsOf('CLAIM_DECISION_LATE')).toMatchObject({ days: 61 });
  });

  it('needs documentsCompleteAt', () => {
    expect(run('2024-12-31', [claim({ decidedAt: '2024-07-01T10:00:00+08:00' })]).findings).toEqual([]);
  });
});

describe('CLAIM_PAYMENT_LATE (保险法第二十三条: 10 days)', () => {
  const agreedAt = '2024-06-01T09:00:00+08:00';

  it('a payment exactly 10 days later is on time; later is late', () => {
    expect(
      run('2024-06-30', [claim({ action: 'paid', agreedAt, paidAt: '2024-06-11T09:00:00+08:00' })]).findings,
    ).toEqual([]);
    expect(
      run('2024-06-30', [claim({ action: 'paid', agreedAt, paidAt: '2024-06-12T08:59:59+08:00' })]).factsOf(
        'CLAIM_PAYMENT_LATE',
      ),
    ).toEqual({ agreedAt, paidAt: '2024-06-12T08:59:59+08:00', days: 10 });
  });

  it('an unpaid claim is late after 10 calendar days unless withdrawn or rejected', () => {
    const agreed = claim({ action: 'agreed', agreedAt });
    expect(run('2024-06-11', [agreed]).findings).toEqual([]);
    expect(run('2024-06-12', [agreed]).factsOf('CLAIM_PAYMENT_LATE')).toEqual({ agreedAt, paidAt: null, days: 11 });
    expect(run('2024-06-30', [{ ...agreed, action: 'rejected' as const }]).findings).toEqual([]);
    expect(run('2024-06-30', [{ ...agreed, action: 'withdrawn' as const }]).findings).toEqual([]);
  });

  it('counts claims by status in the figures, paidFen of paid claims only', () => {
    const r = run('2024-06-30', [
      claim({ claimNo: 'A', action: 'paid', agreedAt, paidAt: '2024-06-05T09:00:00+08:00', paidFen: 500 }),
      claim({ claimNo: 'B', action: 'agreed', agreedAt, paidFen: 900 }),
      claim({ claimNo: 'C', action: 'rejected' }),
      claim({ claimNo: 'D', action: 'withdrawn' }),
    ]);
    expect(r.figures.claims).toEqual([
      {
        insurer: 'PICC',
        county: '370811',
        claims: 4,
        paid: 1,
        rejected: 1,
        withdrawn: 1,
        open: 1,
        paidFen: 500,
        decisionLate: 0,
        paymentLate: 1,
      },
    ]);
  });
});
