import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram, runProgram } from '../program';

/** Runs `ajx …` in-process, capturing stderr. */
async function ajx(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = 0;
  try {
    await runProgram(buildProgram(), ['node', 'ajx', ...args]);
  } finally {
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stderr };
}

const USCC = '91370811MA3C000001';
function policyEvent(policyNo: string, over: Record<string, unknown> = {}) {
  const data = {
    policyNo,
    insurer: 'PICC',
    action: 'issued',
    version: 1,
    enterprise: {
      uscc: USCC,
      name: '济宁某矿业有限公司',
      regionCode: '370811',
      sector: 'non_coal_mining',
      industryCode: null,
      employeeCount: 52,
    },
    contact: { name: null, phone: null },
    coverage: {
      start: '2024-01-01',
      end: '2024-12-31',
      insuredHeadcount: 40,
      perPersonLimitFen: null,
      totalLimitFen: null,
    },
    premium: {
      amountFen: 1_000_000,
      adjustmentPct: -20,
      factors: { standardization: 'level2', safetyCulture: 'none', advancedUnit: 'none', priorYearAccident: 'none' },
    },
    preventionFeeFen: 50_000,
    cancelledOn: null,
    ...over,
  };
  return {
    specversion: '1.0',
    type: `ajx.policy.${data.action}`,
    subject: policyNo,
    dataschema: 'urn:ajx:policy:v1',
    data,
  };
}
const ndjson = (values: unknown[]) =>
  values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n') + '\n';

describe('ajx supervise', () => {
  let dir: string;
  let n = 0;
  const file = (content: string) => {
    const path = join(dir, `in-${++n}.ndjson`);
    writeFileSync(path, content);
    return path;
  };
  const outputs = () => ({ findings: join(dir, `f-${n}.ndjson`), figures: join(dir, `g-${n}.json`) });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ajx-supervise-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the findings sorted by rule then key and the figures, from events in any order', async () => {
    const events = file(
      ndjson([
        policyEvent('B', { version: 2, coverage: { start: '2024-01-01', end: '2024-07-15', insuredHeadcount: 40 } }),
        '',
        policyEvent('A'),
        policyEvent('B', { coverage: { start: '2024-01-01', end: '2024-07-15', insuredHeadcount: 52 } }),
      ]),
    );
    const register = file(
      ndjson([{ uscc: '91370811MA3C00000X', regionCode: '370812', sector: 'fireworks', employeeCount: 9 }]),
    );
    const out = outputs();
    const { code, stderr } = await ajx(
      'supervise',
      '--pack',
      'jining@1',
      '--as-of',
      '2024-06-30',
      '--events',
      events,
      '--register',
      register,
      '--findings',
      out.findings,
      '--figures',
      out.figures,
    );
    expect([code, stderr]).toEqual([0, expect.stringContaining('3 events of 2 records, 1 register entries')]);
    const lines = readFileSync(out.findings, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const findings = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(findings.map((f) => `${f.rule as string} ${f.key as string}`)).toEqual([
      'HEADCOUNT_REDUCED PICC/B',
      'PARTIAL_HEADCOUNT PICC/A',
      'PARTIAL_HEADCOUNT PICC/B',
      'RENEWAL_DUE PICC/B',
      'UNINSURED 91370811MA3C00000X',
    ]);
    expect(Object.keys(findings[1])).toEqual([
      'rule',
      'key',
      'severity',
      'insurer',
      'uscc',
      'regionCode',
      'sector',
      'facts',
      'message',
    ]);
    expect(findings[1].message).toBe('保单 A 参保人数 40 人,少于从业人员 52 人(缺 12 人)');
    const figuresText = readFileSync(out.figures, 'utf8');
    const figures = JSON.parse(figuresText) as Record<string, unknown>;
    expect(Object.keys(figures)).toEqual([
      'asOf',
      'pack',
      'coverage',
      'headcount',
      'ledger',
      'serviceCoverage',
      'premium',
      'hazards',
      'accidents',
      'claims',
    ]);
    expect(figures).toMatchObject({ asOf: '2024-06-30', pack: 'jining@1', hazards: [], accidents: [], claims: [] });
    expect(figuresText.startsWith('{\n "asOf": "2024-06-30",\n "pack": "jining@1",\n')).toBe(true);
  });

  it.each([
    [
      ['--pack', 'hangzhou@1'],
      '--pack hangzhou@1: no built-in rule pack hangzhou@1 (built in: default@1, default@2, jining@1, jining@2)',
    ],
    [['--pack', 'jining'], '--pack jining: rule pack "jining" is not of the form <id>@<version>'],
    [['--as-of', '2024-02-30'], '--as-of "2024-02-30": not a date YYYY-MM-DD'],
    [['--events', '/nonexistent/events.ndjson'], '--events /nonexistent/events.ndjson: no such file'],
  ])('refuses bad options %j with exit code 2', async (change, message) => {
    const events = file(ndjson([policyEvent('A')]));
    const out = outputs();
    const opts: Record<string, string> = { '--pack': 'default@1', '--as-of': '2024-06-30', '--events': events };
    opts[change[0]] = change[1];
    const { code, stderr } = await ajx(
      'supervise',
      ...Object.entries(opts).flat(),
      '--findings',
      out.findings,
      '--figures',
      out.figures,
    );
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(existsSync(out.findings)).toBe(false);
  });

  it.each([
    ['events', [policyEvent('A'), '{"specversion":'], 'line 2: not JSON'],
    [
      'events',
      [
        policyEvent('A'),
        policyEvent('B', { coverage: { start: '2024-01-01', end: '2024-12-31', insuredHeadcount: -1 } }),
      ],
      'line 2: data.coverage.insuredHeadcount: must be an integer ≥ 0, got -1',
    ],
    [
      'events',
      [{ specversion: '1.0', type: 'ajx.invoice.issued', data: {} }],
      'line 1: type: must be ajx.<kind>.<action> of a known kind',
    ],
    [
      'register',
      [
        { uscc: USCC, regionCode: '370811', sector: 'fishery' },
        { uscc: USCC, regionCode: '370811', sector: 'fishery' },
      ],
      `line 2: uscc: ${USCC} is already listed on line 1`,
    ],
    ['register', [{ uscc: USCC, regionCode: '370811', sector: 'fish' }], 'line 1: sector: must be one of coal_mining'],
  ])(
    'stops at a bad %s line, naming the file, the line and the field, and writes nothing',
    async (which, lines, message) => {
      const bad = file(ndjson(lines));
      const events = which === 'events' ? bad : file(ndjson([policyEvent('A')]));
      const register = which === 'register' ? bad : file('');
      const out = outputs();
      const { code, stderr } = await ajx(
        'supervise',
        '--pack',
        'jining@1',
        '--as-of',
        '2024-06-30',
        '--events',
        events,
        '--register',
        register,
        '--findings',
        out.findings,
        '--figures',
        out.figures,
      );
      expect(code).toBe(4);
      expect(stderr).toContain(`ajx: ${bad} ${message}`);
      expect([existsSync(out.findings), existsSync(out.figures)]).toEqual([false, false]);
    },
  );
});
