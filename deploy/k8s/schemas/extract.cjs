#!/usr/bin/env node
'use strict';
/*
 * Regenerates kubernetes-1.27.1.json (committed; the manifests test reads it offline) from the JSON schemas that the
 * npm packages kubernetes-models@4.3.1 and @kubernetes-models/apimachinery@1.2.1 ship (generated from the Kubernetes
 * 1.27.1 OpenAPI document). Run by hand when the schemas should move to another Kubernetes release:
 *
 *   mkdir /tmp/k && cd /tmp/k && npm pack kubernetes-models@4.3.1 @kubernetes-models/apimachinery@1.2.1
 *   for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
 *   node deploy/k8s/schemas/extract.cjs /tmp/k/kubernetes-models-4.3.1/package \
 *     /tmp/k/kubernetes-models-apimachinery-1.2.1/package > deploy/k8s/schemas/kubernetes-1.27.1.json
 *
 * Like kubeconform's "strict" schemas, every object schema with declared properties gets additionalProperties: false,
 * so a misspelt field fails instead of being dropped by the API server.
 */
const path = require('node:path');
const Module = require('node:module');

const [modelsDir, machineryDir] = process.argv.slice(2);
if (!modelsDir || !machineryDir) {
  process.stderr.write('usage: extract.cjs <kubernetes-models package dir> <apimachinery package dir>\n');
  process.exit(2);
}
const KINDS = [
  ['apps/v1', 'Deployment', 'IoK8sApiAppsV1Deployment'],
  ['v1', 'Service', 'IoK8sApiCoreV1Service'],
  ['v1', 'ConfigMap', 'IoK8sApiCoreV1ConfigMap'],
  ['v1', 'PersistentVolumeClaim', 'IoK8sApiCoreV1PersistentVolumeClaim'],
  ['v1', 'ServiceAccount', 'IoK8sApiCoreV1ServiceAccount'],
  ['batch/v1', 'Job', 'IoK8sApiBatchV1Job'],
  ['batch/v1', 'CronJob', 'IoK8sApiBatchV1CronJob'],
  ['policy/v1', 'PodDisruptionBudget', 'IoK8sApiPolicyV1PodDisruptionBudget'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'IoK8sApiAutoscalingV2HorizontalPodAutoscaler'],
];
const definitions = {};
const realLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === '@kubernetes-models/validate') {
    return { register: (id, schema) => (definitions[id] = schema) };
  }
  const m = /^@kubernetes-models\/apimachinery\/(.+)$/.exec(request);
  if (m) return realLoad.call(this, path.join(machineryDir, m[1]), parent, isMain);
  return realLoad.call(this, request, parent, isMain);
};
const kinds = {};
for (const [apiVersion, kind, file] of KINDS) {
  require(path.join(modelsDir, '_schemas', `${file}.js`)).addSchema();
  const id = Object.keys(definitions).find((k) => k.replace(/\./g, '').toLowerCase() === file.toLowerCase());
  kinds[`${apiVersion}/${kind}`] = id;
}
function rewrite(node) {
  if (Array.isArray(node)) return node.map(rewrite);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out[k] = `#/definitions/${v.replace(/#$/, '')}`;
    else if (k === 'nullableRef') {
      out.oneOf = [{ $ref: `#/definitions/${v.replace(/#$/, '')}` }, { type: 'null' }];
    } else out[k] = rewrite(v);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}
const sorted = Object.fromEntries(
  Object.keys(definitions)
    .sort()
    .map((k) => [k, rewrite(definitions[k])]),
);
process.stdout.write(
  `${JSON.stringify(
    {
      $comment:
        'Kubernetes 1.27.1 object schemas (strict), extracted by extract.cjs from kubernetes-models@4.3.1 and @kubernetes-models/apimachinery@1.2.1',
      kinds,
      definitions: sorted,
    },
    null,
    1,
  )}\n`,
);
