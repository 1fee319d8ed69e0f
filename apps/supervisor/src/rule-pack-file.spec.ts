import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigValidationError, loadConfig } from '@ajx/config';
import { supervisionParameters } from '@ajx/supervision';
import { SupervisorConfig } from './supervisor.config';

/**
 * The supervisor takes the deployment's rule pack the way the gateway and the router do: the built-in default@2
 * unless told otherwise, or the deployment's own file (AJX_RULE_PACK_FILE) with its supervision parameters,
 * validated when the configuration is loaded.
 */
describe('the supervisor’s rule pack', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-supervisor-pack-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const jining = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '../../../libs/authz/rule-packs/jining.v2.json'), 'utf8'),
  ) as { id: string; version: number; supervision: { renewalNoticeDays: number } & Record<string, unknown> };

  it('is default@2 by default, like the gateway’s and the router’s', () => {
    const pack = loadConfig(SupervisorConfig, {}).rulePack();
    expect([pack.id, pack.version]).toEqual(['default', 2]);
  });

  it('comes from AJX_RULE_PACK_FILE when one is given, with its own supervision parameters', () => {
    const file = path.join(dir, 'hz.json');
    const custom = { ...jining, id: 'hangzhou', version: 3, supervision: { ...jining.supervision, renewalNoticeDays: 45 } }; // prettier-ignore
    fs.writeFileSync(file, JSON.stringify(custom));
    const config = loadConfig(SupervisorConfig, { AJX_RULE_PACK: 'jining@1', AJX_RULE_PACK_FILE: file });
    expect([config.rulePack().id, config.rulePack().version]).toEqual(['hangzhou', 3]);
    expect(supervisionParameters(config.rulePack()).renewalNoticeDays).toBe(45);
  });

  it('stops at start-up on a file that is not a valid pack', () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, JSON.stringify({ ...jining, supervision: { ...jining.supervision, renewalNoticeDays: 'soon' } })); // prettier-ignore
    expect(() => loadConfig(SupervisorConfig, { AJX_RULE_PACK_FILE: file })).toThrow(ConfigValidationError);
    expect(() => loadConfig(SupervisorConfig, { AJX_RULE_PACK_FILE: file })).toThrow(`AJX_RULE_PACK_FILE ${file}`);
  });
});
