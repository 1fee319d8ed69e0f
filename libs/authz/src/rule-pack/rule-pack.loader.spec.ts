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

  it('are identified by id and version, loaded once and frozen', () => {
    expect(builtInRulePacks().map(rulePackKey)).toEqual(['default@1', 'jining@1']);
    expect(builtInRulePacks()).toBe(builtInRulePacks());
    const pack = builtInRulePack('default', 1);
    expect(Object.isFrozen(pack)).toBe(true);
    expect(Object.isFrozen(pack.kinds[1].sectors)).toBe(true);
    expect(() => builtInRulePack('default', 2)).toThrow(
      'no built-in rule pack default@2 (built in: default@1, jining@1)',
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
      (j: PackJson) => (j.kinds[5].records = ['policy', 'claim']),
      "kinds[5] (financial_regulator): unknown record kind 'claim' (known: policy, service, hazard)",
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
