import { CliError } from '../cli-error';
import { reportRunRequest } from './reports.command';

describe('ajx reports run', () => {
  const base = { url: 'http://127.0.0.1:3000' };

  it('turns the options into the run request', () => {
    expect(reportRunRequest({ ...base, kind: 'weekly', county: '370811', week: '2026-W49' })).toEqual({
      kind: 'weekly',
      period: '2026-W49',
      region: '370811',
    });
    expect(
      reportRunRequest({ ...base, kind: 'monthly-scorecard', city: '370800', insurer: 'PICC', month: '2026-11' }),
    ).toEqual({ kind: 'monthly-scorecard', period: '2026-11', region: '370800', insurer: 'PICC' });
  });

  it.each([
    [{ kind: 'daily', week: '2026-W49' }, '--kind must be one of'],
    [{ kind: 'weekly' }, '--week YYYY-Www'],
    [{ kind: 'weekly', week: '2026-49' }, '--week 2026-49 is not YYYY-Www'],
    [{ kind: 'monthly-scorecard', week: '2026-W49' }, '--month YYYY-MM is required'],
    [{ kind: 'weekly', week: '2026-W49', county: '3708' }, '--county must be a 6-digit region code'],
    [{ kind: 'weekly', week: '2026-W49', insurer: 'PICC' }, '--insurer is for --kind monthly-scorecard'],
  ])('refuses %j with a usage error', (o, message) => {
    expect(() => reportRunRequest({ ...base, ...o })).toThrow(CliError);
    expect(() => reportRunRequest({ ...base, ...o })).toThrow(message);
  });
});
