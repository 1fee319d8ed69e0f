import { RecordRejection } from '../normalizer/record-rejection';
import {
  adjustmentPct,
  checkAccidentReport,
  checkClaimTimes,
  checkCoveragePeriod,
  checkServicePeriod,
  coded,
  date,
  dateTime,
  epochDate,
  epochDateTime,
  fen,
  identifier,
  integer,
  jsonIntegerCode,
  name,
  numericCode,
  phone,
  regionFromCode,
  regionFromName,
  revisitOf,
  sectorFromDadiCode,
  sectorFromIndustryCode,
  sectorFromName,
  text,
  uscc,
  yuan,
} from './canonical-values';

/** The reject code `fn` throws, or 'ok'. */
function code(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof RecordRejection) return err.code;
    throw err;
  }
}

describe('canonical values (data standard v1)', () => {
  describe('dates and datetimes', () => {
    it('formats dates and checks they exist (leap years)', () => {
      expect(date('2024-02-29', 'd', 'iso')).toBe('2024-02-29');
      expect(date('20240229', 'd', 'compact')).toBe('2024-02-29');
      expect(date('2024/2/9', 'd', 'slash')).toBe('2024-02-09');
      expect(code(() => date('2023-02-29', 'd', 'iso'))).toBe('INVALID_DATE');
      expect(code(() => date('1900/2/29', 'd', 'slash'))).toBe('INVALID_DATE');
      expect(date('2000/2/29', 'd', 'slash')).toBe('2000-02-29');
      expect(code(() => date('2024-13-01', 'd', 'iso'))).toBe('INVALID_DATE');
      expect(code(() => date('20230401x', 'd', 'iso'))).toBe('INVALID_DATE');
      expect(code(() => date('2024-1-5', 'd', 'iso'))).toBe('INVALID_DATE');
    });

    it('treats empty as null and required empty as MISSING_FIELD', () => {
      expect(date('', 'd', 'iso')).toBeNull();
      expect(date(null, 'd', 'iso')).toBeNull();
      expect(code(() => date('  ', 'd', 'iso', true))).toBe('MISSING_FIELD');
      expect(code(() => dateTime(undefined, 't', 'space', true))).toBe('MISSING_FIELD');
    });

    it('reads Beijing wall-clock datetimes', () => {
      expect(dateTime('2024-06-03 11:00:00', 't', 'space')).toBe('2024-06-03T11:00:00+08:00');
      expect(dateTime('2024/6/7 7:04:15', 't', 'slash')).toBe('2024-06-07T07:04:15+08:00');
      expect(code(() => dateTime('2024-06-03 24:00:00', 't', 'space'))).toBe('INVALID_DATE');
      expect(code(() => dateTime('2024-06-03T11:00:00', 't', 'space'))).toBe('INVALID_DATE');
    });

    it('converts other offsets to +08:00 and truncates fractional seconds', () => {
      expect(dateTime('2024-08-09T04:00:00Z', 't', 'iso-offset')).toBe('2024-08-09T12:00:00+08:00');
      expect(dateTime('2024-12-31T20:30:00-05:00', 't', 'iso-offset')).toBe('2025-01-01T09:30:00+08:00');
      expect(dateTime('2024-08-09T04:00:59.999+08:00', 't', 'iso-offset')).toBe('2024-08-09T04:00:59+08:00');
      expect(dateTime('2024-08-09T04:00:00+0530', 't', 'iso-offset')).toBe('2024-08-09T06:30:00+08:00');
      expect(code(() => dateTime('2024-08-09T04:00:00', 't', 'iso-offset'))).toBe('INVALID_DATE');
      expect(code(() => dateTime('2024-02-30T04:00:00Z', 't', 'iso-offset'))).toBe('INVALID_DATE');
    });

    it('reads epoch milliseconds (JSON integers only) as Beijing dates and datetimes', () => {
      expect(epochDateTime(1697598946123, 't')).toBe('2023-10-18T11:15:46+08:00');
      expect(epochDate(1698681600000, 'd')).toBe('2023-10-31');
      expect(epochDate(1698681600000 - 1, 'd')).toBe('2023-10-30');
      expect(code(() => epochDateTime('1697598946000', 't'))).toBe('INVALID_DATE');
      expect(code(() => epochDateTime(1697598946000.5, 't'))).toBe('INVALID_DATE');
      expect(code(() => epochDateTime(8.64e15 + 1, 't'))).toBe('INVALID_DATE');
    });
  });

  describe('periods', () => {
    it('accepts coverage up to the same calendar date five years on', () => {
      expect(code(() => checkCoveragePeriod('2024-01-01', '2029-01-01'))).toBe('ok');
      expect(code(() => checkCoveragePeriod('2024-01-01', '2029-01-02'))).toBe('INVALID_PERIOD');
      expect(code(() => checkCoveragePeriod('2024-01-02', '2024-01-01'))).toBe('INVALID_PERIOD');
      expect(code(() => checkCoveragePeriod('2024-01-02', '2024-01-02'))).toBe('ok');
    });

    it('maps 29 February to 28 February five years on', () => {
      expect(code(() => checkCoveragePeriod('2024-02-29', '2029-02-28'))).toBe('ok');
      expect(code(() => checkCoveragePeriod('2024-02-29', '2029-03-01'))).toBe('INVALID_PERIOD');
    });

    it('compares service start and end as instants', () => {
      expect(code(() => checkServicePeriod('2024-01-01T10:00:00+08:00', '2024-01-01T10:00:00+08:00'))).toBe('ok');
      expect(code(() => checkServicePeriod('2024-01-01T10:00:00+08:00', '2024-01-01T09:59:59+08:00'))).toBe(
        'INVALID_PERIOD',
      );
    });
  });

  describe('money', () => {
    it('parses yuan as decimal text into integer fen', () => {
      expect(yuan('1234.50', 'm')).toBe(123450);
      expect(yuan('1,234.5', 'm')).toBe(123450);
      expect(yuan('0.1', 'm')).toBe(10);
      expect(yuan('0.29', 'm')).toBe(29);
      expect(yuan('1,234,567.89', 'm')).toBe(123456789);
      expect(yuan('20000000', 'm')).toBe(2000000000);
    });

    it('never rounds: more decimals, signs, bad separators are INVALID_AMOUNT', () => {
      for (const bad of ['12.345', '-1.00', '+1.00', '1,23.00', '1234,567.00', '1.', '.5', '1e3', '十元'])
        expect([bad, code(() => yuan(bad, 'm'))]).toEqual([bad, 'INVALID_AMOUNT']);
    });

    it('takes a JSON number only where the format allows it', () => {
      expect(yuan(8691.5, 'm', false, true)).toBe(869150);
      expect(code(() => yuan(12.345, 'm', false, true))).toBe('INVALID_AMOUNT');
      expect(code(() => yuan(100, 'm'))).toBe('INVALID_AMOUNT');
    });

    it('takes fen as non-negative JSON integers', () => {
      expect(fen(0, 'f')).toBe(0);
      expect(fen(null, 'f')).toBeNull();
      for (const bad of [1.5, -1, '100', true]) expect(code(() => fen(bad, 'f'))).toBe('INVALID_AMOUNT');
      expect(code(() => fen(undefined, 'f', true))).toBe('MISSING_FIELD');
    });
  });

  describe('numbers', () => {
    it('reads counts and versions as non-negative integers', () => {
      expect(integer('259', 'n')).toBe(259);
      expect(integer(7, 'n')).toBe(7);
      for (const bad of ['abc', '-3', '1.5', '+1', 2.5, -1])
        expect(code(() => integer(bad, 'n'))).toBe('INVALID_NUMBER');
      expect(code(() => integer('0', 'version', true, 1))).toBe('INVALID_NUMBER');
    });

    it('reads adjustmentPct in [-100, 300] with at most two decimals', () => {
      expect(adjustmentPct('+30', 'p')).toBe(30);
      expect(adjustmentPct('-7.5', 'p')).toBe(-7.5);
      expect(adjustmentPct(-15, 'p')).toBe(-15);
      expect(adjustmentPct('-15%', 'p', true)).toBe(-15);
      expect(adjustmentPct('', 'p')).toBeNull();
      for (const bad of ['-100.5', '300.01', '1.234', '10%', 'abc'])
        expect(code(() => adjustmentPct(bad, 'p'))).toBe('INVALID_NUMBER');
    });

    it('normalises phone numbers', () => {
      expect(phone('+86-13261200092', 'p')).toBe('13261200092');
      expect(phone('86 13261200092', 'p')).toBe('13261200092');
      expect(phone('0086 132 6120 0092', 'p')).toBe('13261200092');
      expect(phone('０５３７３２５４４４８', 'p')).toBe('05373254448');
      expect(phone('0537-2345678', 'p')).toBe('05372345678');
      expect(phone('(0537) 234 5678', 'p')).toBe('05372345678');
      expect(phone('(+86) 132-6120-0092', 'p')).toBe('13261200092');
      expect(phone('8613261200092', 'p')).toBe('8613261200092');
      expect(phone('', 'p')).toBeNull();
      for (const bad of ['1234', '1326120009x', '1'.repeat(21)])
        expect(code(() => phone(bad, 'p'))).toBe('INVALID_NUMBER');
    });
  });

  describe('identifiers and USCC', () => {
    it('turns full-width to half-width and removes white space', () => {
      expect(identifier(' ＰＩＣＣ AZ\u30002023 ', 'id')).toBe('PICCAZ2023');
      expect(code(() => identifier('', 'id', true))).toBe('MISSING_FIELD');
      expect(code(() => identifier('X'.repeat(65), 'id'))).toBe('FIELD_TOO_LONG');
    });

    it('checks the GB 32100 check character and upper-cases', () => {
      expect(uscc('９１３３０９０２９７１５４０１０６Ｅ', 'u')).toBe('91330902971540106E');
      expect(uscc(' 91330902971540106e ', 'u')).toBe('91330902971540106E');
      expect(code(() => uscc('9133090274729617X0', 'u'))).toBe('INVALID_USCC');
      expect(code(() => uscc('9133090274729617', 'u'))).toBe('INVALID_USCC');
      expect(code(() => uscc('I1330902971540106E', 'u'))).toBe('INVALID_USCC');
      expect(uscc('', 'u')).toBeNull();
    });
  });

  describe('text', () => {
    it('converts Traditional to Simplified, trims, collapses white space in names', () => {
      expect(name('\u3000濟寧宏運  煤業\t有限公司 ', 'n')).toBe('济宁宏运 煤业 有限公司');
      expect(text(' 第一行\r\n第二行  ', 't')).toBe('第一行\n第二行');
      expect(text('   ', 't')).toBeNull();
      expect(code(() => name('企'.repeat(201), 'n'))).toBe('FIELD_TOO_LONG');
      expect(name('企'.repeat(200), 'n')).toHaveLength(200);
      expect(code(() => text('字'.repeat(4001), 't'))).toBe('FIELD_TOO_LONG');
      expect(code(() => name(' ', 'n', true))).toBe('MISSING_FIELD');
    });

    it('counts characters as code points', () => {
      expect(name('𠀀'.repeat(200), 'n')).toBe('𠀀'.repeat(200));
    });
  });

  describe('coded values', () => {
    const table = { 一般: 'general', 重大: 'major' } as const;
    it('looks up Simplified, trimmed names and rejects others with INVALID_ENUM', () => {
      expect(coded(' 重大 ', 'l', table)).toBe('major');
      expect(code(() => coded('严重', 'l', table))).toBe('INVALID_ENUM');
      expect(code(() => coded('toString', 'l', table))).toBe('INVALID_ENUM');
      expect(code(() => coded('', 'l', table, true))).toBe('MISSING_FIELD');
    });

    it('resolves sectors by name, GB/T 4754 code and DADI code', () => {
      expect(sectorFromName('煤礦', 's')).toBe('coal_mining');
      expect(sectorFromName('危化品', 's')).toBe('hazardous_chemicals');
      expect(code(() => sectorFromName('互联网', 's'))).toBe('UNKNOWN_SECTOR');
      expect(sectorFromIndustryCode('C2671', 'i')).toEqual(['C2671', 'civil_explosives']);
      expect(sectorFromIndustryCode('C2672', 'i')).toEqual(['C2672', 'fireworks']);
      expect(sectorFromIndustryCode('C2614', 'i')).toEqual(['C2614', 'hazardous_chemicals']);
      expect(sectorFromIndustryCode('B07', 'i')[1]).toBe('non_coal_mining');
      expect(sectorFromIndustryCode('B12', 'i')[1]).toBe('non_coal_mining');
      expect(sectorFromIndustryCode('B13', 'i')[1]).toBe('other');
      expect(sectorFromIndustryCode('E50', 'i')[1]).toBe('construction');
      expect(sectorFromIndustryCode('A04', 'i')[1]).toBe('fishery');
      expect(sectorFromIndustryCode('F51', 'i')[1]).toBe('other');
      for (const bad of ['XX12', 'C1', 'C26711', 'U12', 'c2614'])
        expect(code(() => sectorFromIndustryCode(bad, 'i'))).toBe('UNKNOWN_SECTOR');
      expect(sectorFromDadiCode(6, 'h')).toBe('metal_smelting');
      expect(sectorFromDadiCode('99', 'h')).toBe('other');
      expect(code(() => sectorFromDadiCode('16', 'h'))).toBe('UNKNOWN_SECTOR');
    });
  });

  describe('regions', () => {
    it('accepts current county codes and maps retired ones through the succession list', () => {
      expect(regionFromCode('370811', 'r')).toBe('370811');
      expect(regionFromCode('370802', 'r')).toBe('370811');
      expect(regionFromCode('370882', 'r')).toBe('370812');
      expect(regionFromCode('330103', 'r')).toBe('330105');
      expect(regionFromCode('330104', 'r')).toBe('330102');
      expect(regionFromCode('330183', 'r')).toBe('330111');
      expect(regionFromCode('330185', 'r')).toBe('330112');
      expect(regionFromCode(370827, 'r')).toBe('370827');
      expect(regionFromCode('370871', 'r')).toBe('370871'); // a development zone with a code
      for (const bad of ['999999', '370800', '37', '3708111'])
        expect(code(() => regionFromCode(bad, 'r'))).toBe('UNKNOWN_REGION');
    });

    it('resolves names to exactly one county, with or without the province, in Traditional too', () => {
      expect(regionFromName('济宁市任城区', 'r')).toBe('370811');
      expect(regionFromName('山東省濟寧市梁山縣', 'r')).toBe('370832');
      expect(regionFromName('北京市朝阳区', 'r')).toBe('110105');
      expect(regionFromName('咸阳市乾县', 'r')).toBe(regionFromName('咸陽市乾縣', 'r'));
      for (const bad of ['任城区', '济宁市市中区', '浙江省济宁市任城区', '火星市某县'])
        expect(code(() => regionFromName(bad, 'r'))).toBe('UNKNOWN_REGION');
    });
  });

  describe('revisit', () => {
    it('needs a time when satisfaction or a note is given', () => {
      expect(revisitOf('2024-01-01T10:00:00+08:00', null, null, 'r')).toEqual({
        at: '2024-01-01T10:00:00+08:00',
        satisfied: null,
        note: null,
      });
      expect(revisitOf(null, null, null, 'r')).toBeNull();
      expect(code(() => revisitOf(null, true, null, 'r'))).toBe('MISSING_FIELD');
      expect(code(() => revisitOf(null, null, '好', 'r'))).toBe('MISSING_FIELD');
    });
  });

  describe('data standard v2 (§6)', () => {
    const TABLE = { '1': 'one', '2': 'two', '20': 'twenty' };

    it('reads coded numbers that must be JSON integers (PINGAN accidentType)', () => {
      expect(jsonIntegerCode(20, 'f', TABLE)).toBe('twenty');
      expect(jsonIntegerCode(null, 'f', TABLE)).toBeNull();
      expect(jsonIntegerCode('', 'f', TABLE)).toBeNull();
      expect(code(() => jsonIntegerCode(undefined, 'f', TABLE, true))).toBe('MISSING_FIELD');
      for (const bad of ['1', ' 1', 1.5, 3, 0, false, {}])
        expect(code(() => jsonIntegerCode(bad, 'f', TABLE))).toBe('INVALID_ENUM');
    });

    it('reads coded numbers written as integers or digit strings with leading zeros (DADI)', () => {
      expect([numericCode(1, 'f', TABLE), numericCode('02', 'f', TABLE), numericCode(' 0020 ', 'f', TABLE)]).toEqual([
        'one',
        'two',
        'twenty',
      ]);
      expect(numericCode('', 'f', TABLE)).toBeNull();
      expect(code(() => numericCode('  ', 'f', TABLE, true))).toBe('MISSING_FIELD');
      for (const bad of ['0', '', '1.0', '-1', '1e1', '１', 1.5, true, [1], '123456789012345678901'])
        if (bad !== '') expect([bad, code(() => numericCode(bad, 'f', TABLE))]).toEqual([bad, 'INVALID_ENUM']);
    });

    it('accepts a report to the authority at or after the accident, never before', () => {
      const at = '2025-02-03T02:03:53+08:00';
      expect(code(() => checkAccidentReport(at, null))).toBe('ok');
      expect(code(() => checkAccidentReport(at, at))).toBe('ok');
      expect(code(() => checkAccidentReport(at, '2025-02-03T02:03:52+08:00'))).toBe('INVALID_PERIOD');
    });

    it('accepts no step of a claim before it was filed (equal is valid)', () => {
      const filedAt = '2025-02-05T20:03:53+08:00';
      const none = { documentsCompleteAt: null, decidedAt: null, agreedAt: null, paidAt: null };
      expect(code(() => checkClaimTimes({ filedAt, ...none }))).toBe('ok');
      expect(code(() => checkClaimTimes({ filedAt, ...none, paidAt: filedAt }))).toBe('ok');
      // Steps out of order among themselves are a supervision matter, not a reject.
      expect(
        code(() =>
          checkClaimTimes({
            filedAt,
            ...none,
            decidedAt: '2025-03-01T00:00:00+08:00',
            documentsCompleteAt: '2025-04-01T00:00:00+08:00',
          }),
        ),
      ).toBe('ok');
      for (const step of ['documentsCompleteAt', 'decidedAt', 'agreedAt', 'paidAt'])
        expect(code(() => checkClaimTimes({ filedAt, ...none, [step]: '2025-02-05T20:03:52+08:00' }))).toBe(
          'INVALID_PERIOD',
        );
    });
  });
});
