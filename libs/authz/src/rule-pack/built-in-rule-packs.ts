import defaultPackJson from '../../rule-packs/default.v1.json';
import defaultPackV2Json from '../../rule-packs/default.v2.json';
import jiningPackJson from '../../rule-packs/jining.v1.json';
import jiningPackV2Json from '../../rule-packs/jining.v2.json';
import { loadRulePack } from './rule-pack.loader';
import type { RulePack } from './rule-pack.types';

let builtIn: readonly RulePack[] | undefined;

/**
 * The packs shipped with the hub (`libs/authz/rule-packs/*.json`), validated on first use: `default@1` (the matrix
 * of DESIGN.md) and `jining@1` (济宁, from 济安字〔2013〕13号) for the records of data standard v1, and their second
 * versions `default@2` and `jining@2`, which add accidents and claims (v2). A deployment may load its own with
 * `loadRulePack`.
 */
export function builtInRulePacks(): readonly RulePack[] {
  builtIn ??= Object.freeze(
    [defaultPackJson, defaultPackV2Json, jiningPackJson, jiningPackV2Json].map((json) => loadRulePack(json)),
  );
  return builtIn;
}

/** A built-in pack by identity; throws naming the packs that exist. */
export function builtInRulePack(id: string, version: number): RulePack {
  const packs = builtInRulePacks();
  const pack = packs.find((p) => p.id === id && p.version === version);
  if (!pack) {
    const known = packs.map((p) => `${p.id}@${p.version}`).join(', ');
    throw new Error(`no built-in rule pack ${id}@${version} (built in: ${known})`);
  }
  return pack;
}

/** A built-in pack named `id@version` (as configured with AJX_RULE_PACK, e.g. `jining@1`). */
export function builtInRulePackBySpec(spec: string): RulePack {
  const m = /^([a-z][a-z0-9_-]*)@(\d+)$/.exec(spec);
  if (!m) throw new Error(`rule pack ${JSON.stringify(spec)} is not of the form <id>@<version> (e.g. default@1)`);
  return builtInRulePack(m[1], Number(m[2]));
}

/**
 * The deployment's rule pack: the file AJX_RULE_PACK_FILE names (JSON, validated like the built-in packs: schema
 * `libs/authz/rule-packs/rule-pack.schema.json`, then the semantic rules) when given, else the built-in pack of the
 * AJX_RULE_PACK spec. `readFile` does the I/O, so this stays pure. Errors name the file and every problem.
 */
export function deploymentRulePack(spec: string, file: string, readFile: (file: string) => string): RulePack {
  if (!file) return builtInRulePackBySpec(spec);
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    throw new Error(`AJX_RULE_PACK_FILE ${file} cannot be read: ${(err as { code?: string }).code ?? String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`AJX_RULE_PACK_FILE ${file} is not JSON: ${(err as Error).message}`);
  }
  try {
    return loadRulePack(json);
  } catch (err) {
    throw new Error(`AJX_RULE_PACK_FILE ${file}: ${(err as Error).message}`);
  }
}

const configured = new WeakMap<object, RulePack>();

/**
 * A service configuration's rule pack (AJX_RULE_PACK, or the file AJX_RULE_PACK_FILE names), read once per
 * configuration object: the gateway, the router and the supervisor take theirs this way.
 */
export function configuredRulePack(
  config: { readonly AJX_RULE_PACK: string; readonly AJX_RULE_PACK_FILE: string },
  readFile: (file: string) => string,
): RulePack {
  let pack = configured.get(config);
  if (!pack)
    configured.set(config, (pack = deploymentRulePack(config.AJX_RULE_PACK, config.AJX_RULE_PACK_FILE, readFile)));
  return pack;
}
