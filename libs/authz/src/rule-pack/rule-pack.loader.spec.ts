import { SECTORS } from '@ajx/contracts';
import defaultPackJson from '../../rule-packs/default.v1.json';
import jiningPackJson from '../../rule-packs/jining.v1.json';
import { builtInRulePack, builtInRulePacks } from './built-in-rule-packs';
import { loadRulePack, RulePackError } from './rule-pack.loader';
import { findKindRule, rulePackKey, type RulePack } from './rule-pack.types';

/** A pack as loosely typed JSON, to break in the tests. */
interface PackJson {
  [member: string]: unknown;
  kinds: Record<string, unknown>[];
}
const editable = (json: object): PackJson => structuredClone(json) as PackJson;

function problemsOf(json: unknown): string[] {
  try {
    loadRulePack(json);
  } catch (e) {
    expect(e).toBeInstanceOf(RulePackError);
    return [...(e as RulePackError).problems];
  }
  throw new Error('expected the pack to be refused');
}

/** Flattens a pack into the rows of the DESIGN.md table. */
function matrixOf(pack: RulePack) {
  return pack.kinds.map((k) => [
    k.kind,
    k.allSectors ? 'all' : k.sectors.join(','),
    k.records.join(','),
    k.personal,
    k.commercial,
    k.urgentRole,
  ]);
}

describe('built-in rule packs', () => {
  it('default@1 is exactly the matrix of DESIGN.md', () => {
    const pack = builtInRulePack('default', 1);
    expect(matrixOf(pack)).toEqual([
      ['emergency', 'all', 'policy,service,hazard', 'visible', 'visible', 'coordinator'],
      ['construction', 'construction,city_gas', 'policy,service,hazard', 'visible', 'masked', 'sector'],
      ['transport', 'road_transport,water_transport', 'policy,service,hazard', 'visible', 'masked', 'sector'],
      ['agriculture', 'fishery', 'policy,service,hazard', 'visible', 'masked', 'sector'],
      ['defense_industry', 'civil_explosives', 'policy,service,hazard', 'visible', 'masked', 'sector'],
      ['financial_regulator', 'all', 'policy,service', 'masked', 'visible', 'none'],
    ]);
    expect(findKindRule(pack, 'emergency')?.sectors).toEqual(SECTORS);
  });

  it('jining@1 has the departments of 济安字〔2013〕13号', () => {
    const pack = builtInRulePack('jining', 1);
    expect(matrixOf(pack)).toEqual([
      ['emergency', 'all', 'policy,service,hazard', 'visible', 'visible', 'coordinator'],
      [
        'economy_it',
        'machinery,building_materials,metal_smelting,civil_explosives',
        'policy,service,hazard',
        'visible',
        'masked',
        'sector',
      ],
      ['coal_industry', 'coal_mining', 'policy,service,hazard', 'visible', 'masked', 'sector'],
      ['construction', 'construction,city_gas', 'policy,service,hazard', 'visible', 'masked', 'sector'],
      ['transport', 'road_transport', 'policy,service,hazard', 'visible', 'masked', 'sector'],
      ['port_navigation', 'water_transport', 'policy,service,hazard', 'visible', 'masked', 'sector'],
      ['financial_regulator', 'all', 'policy,service', 'masked', 'visible', 'none'],
    ]);
  });

  it('default@2 adds accidents for 应急管理 and the industry departments, claims for them and 金融监管', () => {
    const pack = builtInRulePack('default', 2);
    const v2 = 'policy,service,hazard,accident,claim';
    expect(matrixOf(pack)).toEqual([
      ['emergency', 'all', v2, 'visible', 'visible', 'coordinator'],
      ['construction', 'construction,city_gas', v2, 'visible', 'masked', 'sector'],
      ['transport', 'road_transport,water_transport', v2, 'visible', 'masked', 'sector'],
      ['agriculture', 'fishery', v2, 'visible', 'masked', 'sector'],
      ['defense_industry', 'civil_explosives', v2, 'visible', 'masked', 'sector'],
      ['financial_regulator', 'all', 'policy,service,claim', 'masked', 'visible', 'none'],
    ]);
    // Everything but the records is version 1's, supervision included.
    const v1 = builtInRulePack('default', 1);
    expect(pack.kinds.map((k) => ({ ...k, records: [], description: null }))).toEqual(
      v1.kinds.map((k) => ({ ...k, records: [], description: null })),
    );
    expect(pack.supervision).toEqual(v1.supervision);
  });

  it('jining@2 adds accidents and claims the same way', () => {
    const pack = builtInRulePack('jining', 2);
    const v1 = builtInRulePack('jining', 1);
    expect(pack.kinds.map((k) => [k.kind, k.records.join(',')])).toEqual(
      v1.kinds.map((k) => [
        k.kind,
        k.kind === 'financial_regulator' ? 'policy,service,claim' : 'policy,service,hazard,accident,claim',
      ]),
    );
    expect(pack.kinds.map((k) => ({ ...k, records: [], description: null }))).toEqual(
      v1.kinds.map((k) => ({ ...k, records: [], description: null })),
    );
    expect(pack.supervision).toEqual(v1.supervision);
  });

  it('are identified by id and version, loaded once and frozen', () => {
    expect(builtInRulePacks().map(rulePackKey)).toEqual(['default@1', 'default@2', 'jining@1', 'jining@2']);
    expect(builtInRulePacks()).toBe(builtInRulePacks());
    const pack = builtInRulePack('default', 1);
    expect(Object.isFrozen(pack)).toBe(true);
    expect(Object.isFrozen(pack.kinds[1].sectors)).toBe(true);
    expect(() => builtInRulePack('default', 3)).toThrow(
      'no built-in rule pack default@3 (built in: default@1, default@2, jining@1, jining@2)',
    );
  });
});

describe('loadRulePack', () => {
  it('accepts a valid pack without touching the input', () => {
    const json = structuredClone(defaultPackJson);
    const pack = loadRulePack(json);
    expect(json).toEqual(defaultPackJson);
    expect(Object.isFrozen(json.kinds[1].sectors)).toBe(false);
    expect(pack.kinds[1].sectors).not.toBe(json.kinds[1].sectors);
    expect(pack.description).toContain('应急管理');
  });

  it('refuses what is not an object', () => {
    expect(() => loadRulePack(null)).toThrow('invalid rule pack (not an object):\n  - (root): must be object');
    expect(() => loadRulePack('x')).toThrow(RulePackError);
  });

  it('lists every structural problem at once, with its place', () => {
    const json = editable(defaultPackJson);
    delete json.kinds[0].urgentRole;
    json.kinds[1].personal = 'hidden';
    json.kinds[2].colour = 'red';
    json.version = 0;
    json.kinds[3].kind = 'Agriculture';
    const problems = problemsOf(json);
    expect(problems).toEqual(
      expect.arrayContaining([
        '/version: must be >= 1',
        "/kinds/0: must have required property 'urgentRole'",
        '/kinds/1/personal: must be equal to one of the allowed values (visible, masked)',
        "/kinds/2: must NOT have additional properties ('colour')",
        '/kinds/3/kind: must match pattern "^[a-z][a-z0-9_]{0,62}$"',
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('names the pack in the error', () => {
    const json = editable(jiningPackJson);
    json.kinds = [];
    expect(() => loadRulePack(json)).toThrow(
      'invalid rule pack jining@1:\n  - /kinds: must NOT have fewer than 1 items',
    );
  });

  it.each([
    [
      'unknown sectors',
      (j: PackJson) => (j.kinds[1].sectors = ['construction', 'citygas']),
      "kinds[1] (construction): unknown sector 'citygas' (known: coal_mining, non_coal_mining,",
    ],
    [
      'duplicate sectors',
      (j: PackJson) => (j.kinds[1].sectors = ['construction', 'construction']),
      "kinds[1] (construction): sector 'construction' listed twice",
    ],
    [
      'an empty sector list',
      (j: PackJson) => (j.kinds[2].sectors = []),
      'kinds[2] (transport): empty sector list (use "all" or name the sectors)',
    ],
    [
      'a sectors string other than "all"',
      (j: PackJson) => (j.kinds[5].sectors = 'everything'),
      'kinds[5] (financial_regulator): sectors must be "all" or a list of sectors, not "everything"',
    ],
    [
      'an empty record list',
      (j: PackJson) => (j.kinds[5].records = []),
      'kinds[5] (financial_regulator): empty record list',
    ],
    [
      'unknown record kinds',
      (j: PackJson) => (j.kinds[5].records = ['policy', 'claims']),
      "kinds[5] (financial_regulator): unknown record kind 'claims' (known: policy, service, hazard, accident, claim)",
    ],
    [
      'duplicate record kinds',
      (j: PackJson) => (j.kinds[5].records = ['policy', 'policy']),
      "kinds[5] (financial_regulator): record kind 'policy' listed twice",
    ],
    [
      'duplicate kinds',
      (j: PackJson) => (j.kinds[3].kind = 'construction'),
      "kinds[3] (construction): duplicate kind 'construction', already defined by kinds[1]",
    ],
    ['a blank name', (j: PackJson) => (j.kinds[3].name = '  '), 'kinds[3] (agriculture): name is blank'],
    [
      'a sector kind without hazards',
      (j: PackJson) => (j.kinds[3].records = ['policy', 'service']),
      "kinds[3] (agriculture): urgentRole 'sector' needs 'hazard' in records",
    ],
    [
      'a coordinator over some sectors only',
      (j: PackJson) => (j.kinds[0].sectors = ['construction']),
      'kinds[0] (emergency): the coordinator must cover sectors "all"',
    ],
    [
      'a coordinator without hazards',
      (j: PackJson) => (j.kinds[0].records = ['policy']),
      "kinds[0] (emergency): the coordinator must receive 'hazard' records",
    ],
    [
      'a coordinator without accidents when another kind receives them',
      (j: PackJson) => (j.kinds[1].records = ['policy', 'service', 'hazard', 'accident']),
      "kinds[0] (emergency): the coordinator must receive 'accident' records when other kinds do (construction): urgent accidents go through the urgent lane",
    ],
    [
      'no coordinator',
      (j: PackJson) => (j.kinds[0].urgentRole = 'sector'),
      "no kind has urgentRole 'coordinator': major hazards of sectors without a department kind would reach nobody",
    ],
    [
      'two coordinators',
      (j: PackJson) => (j.kinds[5] = { ...j.kinds[0], kind: 'emergency_2' }),
      'several coordinators (emergency, emergency_2): exactly one kind coordinates the urgent lane',
    ],
  ])('refuses %s with a specific message', (_case, change, message) => {
    const json = editable(defaultPackJson);
    change(json);
    const problems = problemsOf(json);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('reports every semantic problem together', () => {
    const json = editable(defaultPackJson);
    json.kinds[1].sectors = ['gas'];
    json.kinds[2].records = [];
    json.kinds[4].kind = 'agriculture';
    expect(problemsOf(json)).toHaveLength(4); // unknown sector; empty records + 'sector' role without hazards; dup
  });
});

describe('the supervision section', () => {
  /** A pack whose supervision section is loosely typed, to break in the tests. */
  const withSupervision = (json: object) => {
    const pack = editable(json);
    return { pack, s: pack.supervision as Record<string, unknown> & { territories: Record<string, unknown[]> } };
  };

  it('is loaded with the parameters of the packs (default: the "all" rules, no jurisdiction)', () => {
    const d = builtInRulePack('default', 1).supervision!;
    expect(d.jurisdiction).toBeNull();
    expect(d.ownRules).toEqual([]);
    expect(d.rules).toContain('UNINSURED');
    expect(d.rules).not.toContain('OUT_OF_TERRITORY');
    expect([d.renewalNoticeDays, d.lookbackDays, d.feeRateBp, d.requiredItems, d.territories, d.rate]).toEqual([
      30,
      365,
      null,
      null,
      null,
      null,
    ]);
    const j = builtInRulePack('jining', 1).supervision!;
    expect(j.jurisdiction).toBe('3708');
    expect(j.ownRules).toEqual([
      'HEADCOUNT_REDUCED',
      'RENEWAL_INSURER_CHANGED',
      'OUT_OF_TERRITORY',
      'RATE_MISMATCH',
      'RATE_BELOW_FLOOR',
      'RATE_UNVERIFIABLE',
      'FEE_UNDER_ACCRUED',
      'SERVICE_MISSING',
      'ACCIDENT_FACTOR_UNDERSTATED',
    ]);
    expect([j.feeRateBp, j.requiredItems, j.rate?.floor]).toEqual([500, ['risk_assessment', 'training'], -30]);
    expect(j.territories?.counties.find((c) => c.code === '370811')?.insurers).toEqual(['DADI', 'PICC']);
    expect(j.territories?.citywideInsurerSectors).toEqual([{ insurer: 'CPIC', sectors: ['construction'] }]);
    expect(j.rate?.terms.priorYearAccident).toEqual({
      none: -10,
      general: 10,
      larger: 30,
      major: 50,
      especially_major: 50,
    });
    expect(Object.isFrozen(j.territories?.counties[0].insurers)).toBe(true);
  });

  it('is optional', () => {
    const json = editable(defaultPackJson);
    delete json.supervision;
    expect(loadRulePack(json).supervision).toBeNull();
  });

  it('refuses structural problems with their place', () => {
    const { pack, s } = withSupervision(jiningPackJson);
    s.rules = ['UNINSURED', 'UNINSURD'];
    s.feeRateBp = 5.5;
    s.requiredItems = ['training', 'diagnosis'];
    (s.rate as { terms: { advancedUnit: Record<string, number> } }).terms.advancedUnit = { none: 0, city: -5 };
    expect(problemsOf(pack)).toEqual([
      expect.stringMatching(/^\/supervision\/rules\/1: must be equal to one of the allowed values \(UNINSURED, /),
      '/supervision/feeRateBp: must be integer',
      expect.stringMatching(/^\/supervision\/requiredItems\/1: must be equal to one of the allowed values \(training/),
      "/supervision/rate/terms/advancedUnit: must have required property 'province'",
    ]);
  });

  it.each([
    [
      'a rule listed twice',
      (s: Record<string, unknown>) => (s.rules = ['UNINSURED', 'LAPSED', 'UNINSURED']),
      "supervision.rules: rule 'UNINSURED' listed twice",
    ],
    [
      'a rule in both lists',
      (s: Record<string, unknown>) => (s.ownRules = ['LAPSED', 'OUT_OF_TERRITORY']),
      "supervision: rule 'LAPSED' is in both rules and ownRules",
    ],
    [
      'own rules without a jurisdiction',
      (s: Record<string, unknown>) => {
        delete s.jurisdiction;
        delete s.territories;
        s.ownRules = ['RATE_UNVERIFIABLE'];
      },
      'supervision.ownRules: own rules need a jurisdiction',
    ],
    [
      'a rule without its parameter',
      (s: Record<string, unknown>) => delete s.renewalNoticeDays,
      'supervision: rule RENEWAL_DUE needs renewalNoticeDays',
    ],
    [
      'RATE_MISMATCH without the rate table',
      (s: Record<string, unknown>) => {
        delete s.rate;
        s.ownRules = ['RATE_MISMATCH'];
      },
      'supervision: rule RATE_MISMATCH needs rate',
    ],
    [
      'a jurisdiction without the fee rate',
      (s: Record<string, unknown>) => {
        delete s.feeRateBp;
        s.ownRules = ['OUT_OF_TERRITORY'];
      },
      'supervision: a jurisdiction needs feeRateBp',
    ],
    [
      'a required item listed twice',
      (s: Record<string, unknown>) => (s.requiredItems = ['training', 'training']),
      "supervision.requiredItems: item 'training' listed twice",
    ],
    [
      'a county outside the jurisdiction',
      (s: Record<string, unknown> & { territories: { counties: { code: string }[] } }) =>
        (s.territories.counties[2].code = '330106'),
      'supervision.territories.counties[2] (330106): not within the jurisdiction 3708',
    ],
    [
      'a county listed twice',
      (s: Record<string, unknown> & { territories: { counties: { code: string }[] } }) =>
        (s.territories.counties[4].code = '370811'),
      'supervision.territories.counties[4] (370811): county listed twice, already at counties[0]',
    ],
    [
      'an insurer listed twice for a county',
      (s: Record<string, unknown> & { territories: { counties: { insurers: string[] }[] } }) =>
        (s.territories.counties[0].insurers = ['DADI', 'DADI']),
      "supervision.territories.counties[0] (370811): insurer 'DADI' listed twice",
    ],
    [
      'a city-wide sector listed twice',
      (s: Record<string, unknown> & { territories: { citywideSectors: string[] } }) =>
        (s.territories.citywideSectors = ['machinery', 'machinery']),
      "supervision.territories.citywideSectors: sector 'machinery' listed twice",
    ],
    [
      'an insurer with city-wide sectors listed twice',
      (s: Record<string, unknown> & { territories: { citywideInsurerSectors: unknown[] } }) =>
        s.territories.citywideInsurerSectors.push({ insurer: 'CPIC', sectors: ['fishery'] }),
      'supervision.territories.citywideInsurerSectors[1] (CPIC): insurer listed twice',
    ],
  ])('refuses %s with a specific message', (_case, change, message) => {
    const { pack, s } = withSupervision(jiningPackJson);
    change(s as never);
    const problems = problemsOf(pack);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('refuses a territory table without a jurisdiction', () => {
    const { pack, s } = withSupervision(jiningPackJson);
    delete s.jurisdiction;
    s.ownRules = [];
    expect(problemsOf(pack)).toEqual([
      'supervision.territories: a territory table needs a jurisdiction (the region it divides)',
    ]);
  });
});
