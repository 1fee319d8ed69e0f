import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditSigner } from '@ajx/audit';
import { CommonConfig, loadConfig } from '@ajx/config';
import { pgConnection } from '@ajx/persistence';
import { redisConnectionOptions } from '@ajx/redis';
import { WebhookTargetsConfig } from '@ajx/webhooks';
import { GatewayConfig } from '../../../apps/gateway/src/gateway.config';
import { InterchangeConfig } from '../../../apps/interchange/src/interchange.config';
import { NormalizerConfig } from '../../../apps/normalizer/src/normalizer.config';
import { NotifierConfig } from '../../../apps/notifier/src/notifier.config';
import { RouterConfig } from '../../../apps/router/src/router.config';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { buildProgram } from '../../../apps/cli/src/program';
import { RetentionConfig } from '../../../apps/cli/src/privacy/retention.config';
import {
  type ComposeService,
  composeSchemaErrors,
  environmentOf,
  readCompose,
  ROOT,
  secretNames,
} from './compose-file';

/**
 * `docker compose config` without Docker: docker-compose.yml against the Compose specification's schema, then every
 * AJX service's environment through the configuration class the process validates at start-up, with the secrets
 * `deploy/compose/init-secrets.sh` makes. A missing variable, a secret not mounted, a path on a read-only mount or a
 * loopback address inside a container fails here instead of in `docker compose up`.
 */
const compose = readCompose();
const APP_CONFIGS: Record<string, new () => CommonConfig> = {
  gateway: GatewayConfig,
  normalizer: NormalizerConfig,
  router: RouterConfig,
  interchange: InterchangeConfig,
  notifier: NotifierConfig,
  supervisor: SupervisorConfig,
};
const SECRETS_DIR = '/run/secrets/';

const commandText = (s: ComposeService): string => [s.command ?? []].flat().join(' ');
const appOf = (s: ComposeService): string | null =>
  /dist\/apps\/([a-z-]+)\/src\/main\.js/.exec(commandText(s))?.[1] ?? null;
const isCli = (s: ComposeService): boolean => commandText(s).includes('bin/ajx.js');
const ajxServices = Object.entries(compose.services).filter(([, s]) => appOf(s) !== null || isCli(s));

let secretsDir: string;
beforeAll(() => {
  secretsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-compose-secrets-'));
  execFileSync('sh', [path.join(ROOT, 'deploy/compose/init-secrets.sh'), secretsDir], { stdio: 'pipe' });
});
afterAll(() => fs.rmSync(secretsDir, { recursive: true, force: true }));

/** The environment with every /run/secrets/<name> path pointing at the file init-secrets.sh made for that secret. */
function withLocalSecrets(env: Record<string, string>): Record<string, string> {
  const files = compose.secrets ?? {};
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => {
      if (!v.startsWith(SECRETS_DIR)) return [k, v];
      const file = files[v.slice(SECRETS_DIR.length)]?.file;
      return [k, file ? path.join(secretsDir, path.basename(file)) : v];
    }),
  );
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    expect(composeSchemaErrors(compose)).toEqual([]);
  });

  it('runs every hub service, the migrations and the demo seed', () => {
    const apps = ajxServices.map(([, s]) => appOf(s)).filter(Boolean);
    expect(apps.sort()).toEqual(Object.keys(APP_CONFIGS).sort());
    for (const infra of ['kafka', 'postgres', 'redis']) expect(compose.services[infra]).toBeDefined();
    expect(commandText(compose.services.setup)).toMatch(/ajx\.js db migrate .*ajx\.js topics ensure/);
    expect(commandText(compose.services.seed)).toContain('ajx.js seed --file deploy/demo/seed.json');
    expect(commandText(compose.services.retention)).toContain('ajx.js retention run --every-hours 24');
  });

  it('runs the retention job where the gateway keeps its uploads (their recorded paths must resolve)', () => {
    const uploadDir = environmentOf(compose.services.gateway).AJX_UPLOAD_DIR;
    const mount = (compose.services.retention.volumes ?? []).map((v) => v.split(':')).find(([, t]) => t === uploadDir);
    expect(mount?.[0]).toBe('uploads');
  });

  it('starts each AJX service after the migrations, and the migrations after healthy infrastructure', () => {
    const setup = compose.services.setup.depends_on as Record<string, { condition: string }>;
    for (const infra of ['kafka', 'postgres', 'redis']) {
      expect(setup[infra]).toEqual({ condition: 'service_healthy' });
      expect(compose.services[infra].healthcheck).toBeDefined();
    }
    for (const [name, s] of ajxServices) {
      if (name === 'setup') continue;
      expect([name, (s.depends_on as Record<string, unknown>).setup]).toEqual([
        name,
        { condition: 'service_completed_successfully' },
      ]);
    }
  });

  it.each(ajxServices.map(([name]) => name))('%s: its environment passes its configuration class', (name) => {
    const service = compose.services[name];
    // The command line reads the common settings and, for topics and retention, the retention periods.
    const schema = APP_CONFIGS[appOf(service) ?? ''] ?? RetentionConfig;
    const env = environmentOf(service);
    // Every AJX_ variable is one the process reads (a misspelt name would silently fall back to its default).
    const known = new Set(Object.keys(new schema()));
    const cliOnly = isCli(service) ? ['AJX_API_DATABASE_PASSWORD_FILE'] : [];
    expect(Object.keys(env).filter((k) => k.startsWith('AJX_') && !known.has(k) && !cliOnly.includes(k))).toEqual([]);
    const config = loadConfig(schema, withLocalSecrets(env));
    // Inside a container, loopback is the container itself: the defaults (127.0.0.1) must all be overridden.
    for (const url of [config.AJX_DATABASE_URL, config.AJX_REDIS_URL, ...config.AJX_KAFKA_BROKERS])
      expect([name, url]).not.toEqual([name, expect.stringMatching(/127\.0\.0\.1|localhost/)]);
    // The secret files are read as the process reads them (first line; the URL gets the password).
    expect(new URL(pgConnection(config).url).password).toMatch(/^[0-9a-f]{48}$/);
    expect(redisConnectionOptions(config).password).toMatch(/^[0-9a-f]{48}$/);
    if (config instanceof GatewayConfig) {
      expect(new URL(config.apiConnection().url).username).toBe('ajx_api');
      expect(new URL(config.apiConnection().url).password).toMatch(/^[0-9a-f]{48}$/);
      expect(AuditSigner.fromPem(fs.readFileSync(config.AJX_AUDIT_KEY_FILE, 'utf8')).keyId).toMatch(/^[0-9a-f]+$/);
    }
    if (config instanceof WebhookTargetsConfig) {
      expect(config.webhookKeys().keyring().currentKeyId).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it.each(ajxServices.map(([name]) => name))('%s: every *_FILE is a secret mounted into it', (name) => {
    const service = compose.services[name];
    const mounted = secretNames(service);
    for (const [key, value] of Object.entries(environmentOf(service)).filter(([k]) => k.endsWith('_FILE'))) {
      if (key === 'AJX_AUDIT_ANCHOR_FILE') continue; // written by the gateway: a volume, checked below
      expect([key, value]).toEqual([key, expect.stringMatching(/^\/run\/secrets\/[a-z_]+$/)]);
      const secret = value.slice(SECRETS_DIR.length);
      expect([key, mounted]).toEqual([key, expect.arrayContaining([secret])]);
      expect([key, compose.secrets?.[secret]?.file]).toEqual([
        key,
        expect.stringMatching(/^\.\/deploy\/compose\/secrets\//),
      ]);
    }
  });

  it('makes every secret it declares with deploy/compose/init-secrets.sh', () => {
    for (const [name, s] of Object.entries(compose.secrets ?? {})) {
      const made = path.join(secretsDir, path.basename(s.file ?? ''));
      expect([name, fs.existsSync(made) && fs.statSync(made).size > 0]).toEqual([name, true]);
    }
  });

  it('gives PostgreSQL and Redis the same password files the services read', () => {
    const pgSecret = compose.services.postgres.environment?.POSTGRES_PASSWORD_FILE;
    const redisCommand = commandText(compose.services.redis);
    for (const [name, s] of ajxServices) {
      const env = environmentOf(s);
      expect([name, env.AJX_DATABASE_PASSWORD_FILE]).toEqual([name, pgSecret]);
      expect(redisCommand).toContain(env.AJX_REDIS_PASSWORD_FILE);
    }
    expect(secretNames(compose.services.postgres)).toContain(String(pgSecret).slice(SECRETS_DIR.length));
  });

  it('writes only to named volumes, on directories the image creates for its user', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
    const gateway = environmentOf(compose.services.gateway);
    const seedTokens = /--tokens-out (\S+)/.exec(commandText(compose.services.seed))?.[1] ?? '';
    const writes: [string, string][] = [
      ['gateway', gateway.AJX_UPLOAD_DIR],
      ['gateway', path.dirname(gateway.AJX_AUDIT_ANCHOR_FILE)],
      ['seed', path.dirname(seedTokens)],
    ];
    for (const [service, dir] of writes) {
      const mounts = (compose.services[service].volumes ?? []).map((v) => v.split(':'));
      const mount = mounts.find(([, target]) => dir === target || dir.startsWith(`${target}/`));
      expect([service, dir, mount?.[0]]).toEqual([service, dir, expect.any(String)]);
      expect(Object.keys(compose.volumes ?? {})).toContain(mount![0]);
      expect(dockerfile).toContain(mount![1]);
    }
  });

  it('runs commands that exist: each app main and each ajx subcommand', () => {
    const program = buildProgram();
    for (const [name, s] of ajxServices) {
      const app = appOf(s);
      if (app) expect(fs.existsSync(path.join(ROOT, `apps/${app}/src/main.ts`))).toBe(true);
      for (const [, group, sub] of commandText(s).matchAll(/ajx\.js (\S+)(?: ([a-z-]+))?/g)) {
        const command = program.commands.find((c) => c.name() === group);
        expect([name, group, command !== undefined]).toEqual([name, group, true]);
        if (sub && command!.commands.length) expect(command!.commands.map((c) => c.name())).toContain(sub);
      }
    }
    expect(fs.readFileSync(path.join(ROOT, 'deploy/docker/Dockerfile'), 'utf8')).toContain('deploy/demo');
  });

  it('publishes only the gateway, on loopback (behind the reverse proxy)', () => {
    const published = Object.entries(compose.services).filter(([, s]) => s.ports?.length);
    expect(published.map(([n]) => n)).toEqual(['gateway']);
    expect(compose.services.gateway.ports).toEqual(['127.0.0.1:3000:3000']);
  });
});
