import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigValidationError, loadConfig } from '@ajx/config';
import { RouterConfig } from './router.config';

/** AJX_RULE_PACK_FILE: a deployment's own rule pack, validated when the configuration is loaded (start-up). */
describe('AJX_RULE_PACK_FILE', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-rule-pack-'));
  const builtIn = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '../../../libs/authz/rule-packs/default.v1.json'), 'utf8'),
  ) as { id: string; version: number; kinds: { kind: string; sectors: unknown }[] };
  const write = (name: string, content: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
    return f;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const problems = (file: string): string => {
    try {
      loadConfig(RouterConfig, { AJX_RULE_PACK_FILE: file });
      return '';
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigValidationError);
      return (err as Error).message;
    }
  };

  it('loads a custom pack from the file instead of the built-in AJX_RULE_PACK', () => {
    const file = write('hz.json', { ...builtIn, id: 'hangzhou', version: 3 });
    const config = loadConfig(RouterConfig, { AJX_RULE_PACK: 'jining@1', AJX_RULE_PACK_FILE: file });
    expect([config.rulePack().id, config.rulePack().version]).toEqual(['hangzhou', 3]);
    expect(config.rulePack().kinds.map((k) => k.kind)).toEqual(builtIn.kinds.map((k) => k.kind));
  });

  it('stops at start-up naming the file and every problem of a pack that breaks the schema or the rules', () => {
    const broken = write('broken.json', {
      ...builtIn,
      kinds: [{ ...builtIn.kinds[0], sectors: ['no_such_sector'], colour: 'red' }],
    });
    const message = problems(broken);
    expect(message).toContain(`AJX_RULE_PACK_FILE ${broken}`);
    expect(message).toMatch(/colour/);
    expect(problems(write('not-json.json', '{"id": '))).toContain('is not JSON');
    expect(problems(path.join(dir, 'missing.json'))).toContain('cannot be read: ENOENT');
  });
});
