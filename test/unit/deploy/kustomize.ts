import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import yaml from 'js-yaml';

export const K8S_DIR = path.resolve(__dirname, '../../../deploy/k8s');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

interface Kustomization {
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path: string }[];
}

/** The fields of kustomization.yaml this renderer applies; any other one fails rather than being ignored. */
const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'replicas', 'patches']);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Strategic merge as kustomize applies a patch: maps merge key by key, lists of named items (containers, env,
 * volumes, volume mounts) merge by name, anything else is replaced.
 */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (isObject(target) && isObject(patch)) {
    const out: Record<string, unknown> = { ...target };
    for (const [k, v] of Object.entries(patch)) out[k] = k in target ? strategicMerge(target[k], v) : v;
    return out;
  }
  const named = (l: unknown): l is { name: string }[] =>
    Array.isArray(l) && l.length > 0 && l.every((i) => isObject(i) && typeof i.name === 'string');
  if (named(target) && named(patch)) {
    const out = target.map((t) => {
      const p = patch.find((x) => x.name === t.name);
      return p ? (strategicMerge(t, p) as { name: string }) : t;
    });
    for (const p of patch) if (!target.some((t) => t.name === p.name)) out.push(p);
    return out;
  }
  return patch;
}

function loadAll(file: string): K8sObject[] {
  return yaml.loadAll(fs.readFileSync(file, 'utf8')).filter((d): d is K8sObject => isObject(d));
}

/** Every pod spec of an object (Deployment, Job, CronJob). */
export function podSpecs(o: K8sObject): Record<string, unknown>[] {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (!spec) return [];
  if (o.kind === 'CronJob') {
    const job = (spec.jobTemplate as { spec: { template: { spec: Record<string, unknown> } } }).spec;
    return [job.template.spec];
  }
  const template = spec.template as { spec?: Record<string, unknown> } | undefined;
  return template?.spec ? [template.spec] : [];
}

/**
 * `kubectl kustomize <dir>` for the subset of Kustomize the project's manifests use (resources, patches by file,
 * replicas, images, namespace), offline: the overlays are rendered in the unit tests without kubectl.
 */
export function renderKustomization(dir: string): K8sObject[] {
  const k = yaml.load(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unknown = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unknown.length) throw new Error(`${dir}/kustomization.yaml: unsupported fields ${unknown.join(', ')}`);
  let objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const p = path.resolve(dir, r);
    objects.push(...(fs.statSync(p).isDirectory() ? renderKustomization(p) : loadAll(p)));
  }
  for (const { path: file } of k.patches ?? []) {
    for (const patch of loadAll(path.resolve(dir, file))) {
      const i = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (i < 0) throw new Error(`${dir}/${file}: no ${patch.kind} ${patch.metadata.name} to patch`);
      objects[i] = strategicMerge(objects[i], patch) as K8sObject;
    }
  }
  for (const r of k.replicas ?? []) {
    const o = objects.find((x) => x.kind === 'Deployment' && x.metadata.name === r.name);
    if (!o) throw new Error(`${dir}: replicas of ${r.name}, which is no Deployment`);
    (o.spec as { replicas: number }).replicas = r.count;
  }
  for (const img of k.images ?? []) {
    for (const o of objects)
      for (const pod of podSpecs(o))
        for (const c of [...((pod.containers ?? []) as { image: string }[]), ...((pod.initContainers ?? []) as [])])
          if (c.image.split(/[:@]/)[0] === img.name) c.image = `${img.newName ?? img.name}:${img.newTag ?? 'latest'}`;
  }
  if (k.namespace) objects = objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: k.namespace } }));
  return objects;
}

interface VendoredSchemas {
  kinds: Record<string, string>;
  definitions: Record<string, unknown>;
}

/**
 * Validators for the kinds of deploy/k8s/schemas/kubernetes-1.27.1.json (Kubernetes' own object schemas, vendored,
 * strict: unknown fields fail), compiled with Ajv; nothing is fetched.
 */
export function kubernetesValidator(): (o: K8sObject) => string[] {
  const vendored = JSON.parse(
    fs.readFileSync(path.join(K8S_DIR, 'schemas', 'kubernetes-1.27.1.json'), 'utf8'),
  ) as VendoredSchemas;
  const int = (bits: number) => ({
    type: 'number' as const,
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** (bits - 1),
  });
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    formats: { int32: int(32), int64: int(64), double: true, byte: true, 'date-time': true, quantity: true },
  });
  ajv.addSchema({ $id: 'k8s', definitions: vendored.definitions });
  const compiled = new Map<string, ValidateFunction>();
  return (o) => {
    const id = vendored.kinds[`${o.apiVersion}/${o.kind}`];
    if (!id) return [`${o.kind} ${o.metadata?.name}: no vendored schema for ${o.apiVersion}/${o.kind}`];
    let validate = compiled.get(id);
    if (!validate) {
      validate = ajv.compile({ $ref: `k8s#/definitions/${id}` });
      compiled.set(id, validate);
    }
    const data: unknown = o;
    if (validate(data)) return [];
    return (validate.errors ?? []).map(
      (e) => `${o.kind} ${o.metadata?.name}${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  };
}
