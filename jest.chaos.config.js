// The chaos suite (npm run test:chaos): a separate Jest configuration, so `npm test` never runs it. It starts its own
// PostgreSQL, Redis and Kafka (test/chaos/support/infra.ts) and runs the compiled services (npm run build first).
const base = require('./jest.config.js');
const integration = base.projects.find((p) => p.displayName === 'integration');
// `npm run test:chaos -- --cluster` (scripts/chaos.sh) runs the cluster run alone; without it, the other suites.
const cluster = process.env.AJX_CHAOS_CLUSTER === '1';
const CLUSTER_SPEC = '<rootDir>/test/chaos/cluster.chaos-spec.ts';

module.exports = {
  rootDir: __dirname,
  moduleNameMapper: integration.moduleNameMapper,
  transform: integration.transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  displayName: 'chaos',
  testMatch: cluster ? [CLUSTER_SPEC] : ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
  testPathIgnorePatterns: cluster ? ['/node_modules/'] : ['/node_modules/', CLUSTER_SPEC],
  testTimeout: 14 * 60_000,
};
