// The chaos suite (npm run test:chaos): a separate Jest configuration, so `npm test` never runs it. It starts its own
// PostgreSQL, Redis and Kafka (test/chaos/support/infra.ts) and runs the compiled services (npm run build first).
const base = require('./jest.config.js');
const integration = base.projects.find((p) => p.displayName === 'integration');

module.exports = {
  rootDir: __dirname,
  moduleNameMapper: integration.moduleNameMapper,
  transform: integration.transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  displayName: 'chaos',
  testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
  testTimeout: 14 * 60_000,
};
