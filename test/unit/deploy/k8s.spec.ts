import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditSigner } from '@ajx/audit';
import { CommonConfig, loadConfig } from '@ajx/config';
import { topicSpecs } from '@ajx/contracts';
import { SUPPORTED_INSURERS } from '@ajx/domain';
import { pgConnection } from '@ajx/persistence';
import { redisConnectionOptions } from '@ajx/redis';
import { GatewayConfig } from '../../../apps/gateway/src/gateway.config';
import { InterchangeConfig } from '../../../apps/interchange/src/interchange.config';
import { NormalizerConfig } from '../../../apps/normalizer/src/normalizer.config';
import { NotifierConfig } from '../../../apps/notifier/src/notifier.config';
import { RouterConfig } from '../../../apps/router/src/router.config';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { RetentionConfig } from '../../../apps/cli/src/privacy/retention.config';
import { ROOT } from './compose-file';
import { K8S_DIR, type K8sObject, kubernetesValidator, podSpecs, renderKustomization } from './kustomize';

/**
 * The Kubernetes manifests (deploy/k8s: a Kustomize base and the overlays `province` and `national`), rendered and
 * checked offline: every object against Kubernetes' own schemas (vendored, strict), then what the hub needs of them —
 * every service with probes on /health/*, resource requests at least the measured peak RSS, a PodDisruptionBudget
 * per service and a HorizontalPodAutoscaler per consumer service, secrets only by reference, migrations as a Job,
 * Kafka/PostgreSQL/Redis external and configured — and each service's environment through the configuration class
 * the process validates at start-up.
 */
const OVERLAYS = ['province', 'national'];
const APP_CONFIGS: Record<string, new () => CommonConfig> = {
  gateway: GatewayConfig,
  normalizer: NormalizerConfig,
  router: RouterConfig,
  interchange: InterchangeConfig,
  notifier: NotifierConfig,
  supervisor: SupervisorConfig,
};
/** Kafka consumer groups (and the gateway, stateless): scaled by an HPA, bounded by their partitions. */
const layout = topicSpecs(SUPPORTED_INSURERS);
const partitionsOf = (prefix: string) =>
  layout.filter((t) => t.name.startsWith(prefix)).reduce((n, t) => n + t.partitions, 0);
const MAX_USEFUL: Record<string, number> = {
  gateway: Number.POSITIVE_INFINITY,
  normalizer: partitionsOf('ajx.raw.'),
  router: partitionsOf('ajx.canonical.'),
  supervisor: partitionsOf('ajx.canonical.'),
};
/**
 * Peak RSS per service in MiB as measured in the cluster chaos runs (any instance, Node's default heap, under load;
 * docs/deployment.md, "Resources") — above `npm run bench:limit`'s 191 / 220 / 274 for gateway / normaliser / router
 * with the deployment's 384 MB budget (docs/benchmarks.md).
 */
const MEASURED_PEAK_RSS_MIB: Record<string, number> = {
  gateway: 279,
  normalizer: 314,
  router: 309,
  interchange: 226,
  notifier: 193,
  supervisor: 318,
};
const SECRET = 'ajx-secrets';

const validate = kubernetesValidator();
const rendered = new Map(OVERLAYS.map((o) => [o, renderKustomization(path.join(K8S_DIR, 'overlays', o))]));

const mib = (q: string): number => {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi)?$/.exec(q);
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  return Number(m[1]) * ({ Ki: 1 / 1024, Mi: 1, Gi: 1024 }[m[2] ?? ''] ?? 1 / (1024 * 1024));
};

interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: Record<string, { name: string; key: string }> }[];
  envFrom?: { configMapRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { memory?: string } };
}
interface Volume {
  name: string;
  secret?: { secretName: string };
  projected?: { sources: { secret?: { name: string; items?: { key: string; path: string }[] } }[] };
  persistentVolumeClaim?: { claimName: string };
}

const find = (objs: K8sObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const containersOf = (o: K8sObject): Container[] => podSpecs(o).flatMap((p) => p.containers as Container[]);
const volumesOf = (o: K8sObject): Volume[] => podSpecs(o).flatMap((p) => (p.volumes as Volume[]) ?? []);
const appOf = (c: Container): string | null =>
  /dist\/apps\/([a-z-]+)\/src\/main\.js/.exec((c.args ?? []).join(' '))?.[1] ?? null;

let secretsDir: string;
beforeAll(() => {
  secretsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-k8s-secrets-'));
  execFileSync('sh', [path.join(ROOT, 'deploy/compose/init-secrets.sh'), secretsDir], { stdio: 'pipe' });
});
afterAll(() => fs.rmSync(secretsDir, { recursive: true, force: true }));

/** The container's environment as the pod sees it: ConfigMap entries, then its env (references resolved). */
function environment(objs: K8sObject[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  const configMap = (name: string) => (find(objs, 'ConfigMap', name)?.data ?? {}) as Record<string, string>;
  for (const from of c.envFrom ?? []) if (from.configMapRef) Object.assign(env, configMap(from.configMapRef.name));
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      const v = configMap(ref.name)[ref.key];
      if (v === undefined) throw new Error(`${e.name}: no key ${ref.key} in ConfigMap ${ref.name}`);
      env[e.name] = v;
    } else if (e.valueFrom?.secretKeyRef) env[e.name] = e.name === 'AJX_INTERCHANGE_ENDPOINTS' ? '[]' : 'secret';
  }
  return env;
}

/** Where each secret item is mounted: absolute path in the container → the secret's key. */
function mountedSecretFiles(o: K8sObject, c: Container): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of c.volumeMounts ?? []) {
    const v = volumesOf(o).find((x) => x.name === m.name);
    for (const s of v?.projected?.sources ?? [])
      for (const item of s.secret?.items ?? []) files.set(path.posix.join(m.mountPath, item.path), item.key);
  }
  return files;
}

describe.each(OVERLAYS)('deploy/k8s overlay %s', (overlay) => {
  const objs = rendered.get(overlay)!;
  const deployments = objs.filter((o) => o.kind === 'Deployment');
  const services = deployments.map((d) => ({ d, c: containersOf(d)[0], app: appOf(containersOf(d)[0]) ?? '' }));

  it('is valid against the Kubernetes 1.27 object schemas (vendored, strict)', () => {
    expect(objs.length).toBeGreaterThan(20);
    expect(objs.flatMap(validate)).toEqual([]);
  });

  it('runs every hub service, two instances or more, in its namespace, from the released image', () => {
    expect(services.map((s) => s.app).sort()).toEqual(Object.keys(APP_CONFIGS).sort());
    for (const { d, c } of services) {
      expect([d.metadata.name, (d.spec as { replicas: number }).replicas]).toEqual([
        d.metadata.name,
        expect.any(Number),
      ]);
      expect((d.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(2);
      expect(c.image).toMatch(/^[a-z0-9.-]+\/ajx-hub:\d+\.\d+\.\d+$/);
    }
    expect(new Set(objs.map((o) => o.metadata.namespace))).toEqual(
      new Set([`ajx-${overlay === 'province' ? '37' : 'national'}`]),
    );
  });

  it('probes every service on /health/live and /health/ready at the port it listens on', () => {
    for (const { d, c, app } of services) {
      const env = environment(objs, c);
      const portVar = Object.keys(env).find((k) => /^AJX_[A-Z]+_PORT$/.test(k))!;
      const http = c.ports?.find((p) => p.name === 'http');
      expect([d.metadata.name, Number(env[portVar])]).toEqual([d.metadata.name, http?.containerPort]);
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      const svc = find(objs, 'Service', d.metadata.name);
      expect([app, (svc?.spec as { ports: { targetPort: string }[] })?.ports[0].targetPort]).toEqual([app, 'http']);
    }
  });

  it('requests at least the measured peak RSS of each service, and limits memory above it', () => {
    for (const { c, app } of services) {
      const req = c.resources?.requests;
      expect([app, typeof req?.cpu, mib(req?.memory ?? '0') >= MEASURED_PEAK_RSS_MIB[app]]).toEqual([
        app,
        'string',
        true,
      ]);
      expect(mib(c.resources?.limits?.memory ?? '0')).toBeGreaterThan(mib(req!.memory!));
    }
  });

  it('has a PodDisruptionBudget per service and an autoscaler per consumer service, within its partitions', () => {
    for (const { d, app } of services) {
      const labels = (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata
        .labels;
      const pdb = find(objs, 'PodDisruptionBudget', d.metadata.name);
      const selector = (pdb?.spec as { selector: { matchLabels: Record<string, string> } } | undefined)?.selector
        .matchLabels;
      expect([app, selector && Object.entries(selector).every(([k, v]) => labels[k] === v)]).toEqual([app, true]);
      expect((pdb!.spec as { minAvailable: number }).minAvailable).toBeLessThan(
        (d.spec as { replicas: number }).replicas,
      );
      const hpa = find(objs, 'HorizontalPodAutoscaler', d.metadata.name);
      if (!(app in MAX_USEFUL)) {
        expect([app, hpa]).toEqual([app, undefined]);
        continue;
      }
      const spec = hpa?.spec as {
        scaleTargetRef: { kind: string; name: string };
        minReplicas: number;
        maxReplicas: number;
      };
      expect([app, spec.scaleTargetRef]).toEqual([
        app,
        { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name },
      ]);
      expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect([app, spec.maxReplicas <= MAX_USEFUL[app]]).toEqual([app, true]);
      expect(spec.minReplicas).toBeLessThanOrEqual((d.spec as { replicas: number }).replicas);
    }
  });

  it('holds no secret: every reference names the operator-made secret, every *_FILE is a mounted item of it', () => {
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const o of objs) {
      for (const v of volumesOf(o)) {
        if (v.secret) expect(v.secret.secretName).toBe(SECRET);
        for (const s of v.projected?.sources ?? []) if (s.secret) expect(s.secret.name).toBe(SECRET);
      }
      for (const c of containersOf(o)) {
        for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) expect(e.valueFrom.secretKeyRef.name).toBe(SECRET);
        const files = mountedSecretFiles(o, c);
        for (const [k, v] of Object.entries(environment(objs, c)).filter(([k]) => k.endsWith('_FILE'))) {
          if (k === 'AJX_AUDIT_ANCHOR_FILE') continue; // written by the gateway, on the audit volume
          expect([o.metadata.name, k, files.has(v)]).toEqual([o.metadata.name, k, true]);
        }
      }
    }
  });

  it.each(Object.keys(APP_CONFIGS))('%s: its environment passes its configuration class', (app) => {
    const { c, d } = services.find((s) => s.app === app)!;
    const schema = APP_CONFIGS[app];
    const env = environment(objs, c);
    const known = new Set(Object.keys(new schema()));
    expect(Object.keys(env).filter((k) => k.startsWith('AJX_') && !known.has(k))).toEqual([]);
    const files = mountedSecretFiles(d, c);
    const local = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, files.has(v) ? path.join(secretsDir, files.get(v)!) : v]),
    );
    const config = loadConfig(schema, local);
    expect(config.AJX_MODE).toBe('production');
    // External infrastructure by configuration: nothing on the pod's own loopback.
    for (const url of [config.AJX_DATABASE_URL, config.AJX_REDIS_URL, ...config.AJX_KAFKA_BROKERS])
      expect([app, url]).not.toEqual([app, expect.stringMatching(/127\.0\.0\.1|localhost/)]);
    expect(config.AJX_KAFKA_BROKERS.length).toBeGreaterThanOrEqual(3);
    expect(new URL(pgConnection(config).url).password).toMatch(/^[0-9a-f]{48}$/);
    expect(redisConnectionOptions(config).password).toMatch(/^[0-9a-f]{48}$/);
    if (config instanceof GatewayConfig) {
      expect(new URL(config.apiConnection().url).username).toBe('ajx_api');
      expect(new URL(config.apiConnection().url).password).toMatch(/^[0-9a-f]{48}$/);
      expect(AuditSigner.fromPem(fs.readFileSync(config.AJX_AUDIT_KEY_FILE, 'utf8')).keyId).toMatch(/^[0-9a-f]+$/);
    }
  });

  it('migrates the database and ensures the topics in a Job, and runs retention where the uploads are', () => {
    const job = find(objs, 'Job', 'ajx-migrate')!;
    const [migrate] = containersOf(job);
    expect([...(migrate.command ?? []), ...(migrate.args ?? [])].join(' ')).toMatch(
      /ajx\.js db migrate && node bin\/ajx\.js topics ensure/,
    );
    loadConfig(RetentionConfig, environment(objs, migrate));
    const cron = find(objs, 'CronJob', 'ajx-retention')!;
    const [retention] = containersOf(cron);
    expect((retention.args ?? []).join(' ')).toContain('ajx.js retention run');
    const gateway = services.find((s) => s.app === 'gateway')!;
    const uploadDir = environment(objs, gateway.c).AJX_UPLOAD_DIR;
    const claimAt = (o: K8sObject, c: Container, dir: string) => {
      const m = c.volumeMounts?.find((x) => x.mountPath === dir);
      return volumesOf(o).find((v) => v.name === m?.name)?.persistentVolumeClaim?.claimName;
    };
    expect(claimAt(cron, retention, uploadDir)).toBe('ajx-uploads');
    expect(claimAt(gateway.d, gateway.c, uploadDir)).toBe('ajx-uploads');
    const pvc = find(objs, 'PersistentVolumeClaim', 'ajx-uploads')!;
    expect((pvc.spec as { accessModes: string[] }).accessModes).toEqual(['ReadWriteMany']);
  });
});

describe('the offline Kubernetes schema validation', () => {
  const deployment = rendered.get('province')!.find((o) => o.kind === 'Deployment')!;

  it('rejects a misspelt field, a wrong type and a missing required field', () => {
    const tpl = deployment.spec as Record<string, unknown>;
    expect(validate({ ...deployment, spec: { ...tpl, replica: 2 } }).join()).toMatch(/additional properties/);
    expect(validate({ ...deployment, spec: { ...tpl, replicas: 'two' } }).join()).toMatch(/must be integer/);
    const { selector: _selector, ...noSelector } = tpl;
    expect(validate({ ...deployment, spec: noSelector }).join()).toMatch(/required property 'selector'/);
    // Deep inside the pod template too: a probe misspelt on a container.
    const broken = JSON.parse(JSON.stringify(deployment)) as K8sObject;
    const [c] = containersOf(broken) as (Container & { readinessProbes?: unknown })[];
    c.readinessProbes = c.readinessProbe;
    delete c.readinessProbe;
    expect(validate(broken).join()).toMatch(/containers\/0 must NOT have additional properties.*readinessProbes/);
  });

  it('knows only the kinds it vendors', () => {
    expect(validate({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })).toEqual([
      'Secret x: no vendored schema for v1/Secret',
    ]);
  });
});
