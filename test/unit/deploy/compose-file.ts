import fs from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import yaml from 'js-yaml';

export const ROOT = path.resolve(__dirname, '../../..');

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  secrets?: (string | { source: string; target?: string })[];
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string };
  restart?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string }>;
}

/**
 * Compose's variable interpolation with nothing set in the environment: `${VAR:-default}` and `${VAR-default}` take
 * the default, `${VAR}` is empty, `$$` is a literal `$` (what `docker compose config` does with an empty environment).
 */
export function interpolate(text: string, env: Record<string, string> = {}): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (m, name: string, fallback: string) =>
    m === '$$' ? '$' : (env[name] ?? fallback ?? ''),
  );
}

/** The file as Compose reads it: YAML (anchors and merge keys resolved), then every string value interpolated. */
export function readCompose(
  file = path.join(ROOT, 'docker-compose.yml'),
  env: Record<string, string> = {},
): ComposeFile {
  return interpolateValues(yaml.load(fs.readFileSync(file, 'utf8')), env) as ComposeFile;
}

function interpolateValues(node: unknown, env: Record<string, string>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((n) => interpolateValues(n, env));
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateValues(v, env)]));
  return node;
}

/** Validates against the Compose specification's JSON Schema (vendored under deploy/compose, see its README). */
export function composeSchemaErrors(doc: unknown): string[] {
  const schema = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'deploy/compose/compose-spec.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  delete schema.$schema; // the file names the draft by an old URI; Ajv2019 is that draft
  dropStringIds(schema); // draft-04 style `id` annotations ("#/properties/services"), not schema ids
  const ajv = new Ajv2019({
    strict: false,
    allErrors: true,
    // The formats the specification names: Go durations ("5s", "1m30s"); ports and exposes are checked by Docker.
    formats: { duration: /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/, ports: true, expose: true, subnet_ip_address: true },
  });
  const validate = ajv.compile(schema);
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** The service's environment as the container sees it (Compose values are strings). */
export function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]),
  );
}

export function secretNames(service: ComposeService): string[] {
  return (service.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source));
}

function dropStringIds(node: unknown): void {
  if (Array.isArray(node)) node.forEach(dropStringIds);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.id === 'string') delete o.id;
    Object.values(o).forEach(dropStringIds);
  }
}
