// Two projects: unit tests (fast, no infrastructure) and integration tests (real Kafka, PostgreSQL and Redis,
// isolated per run by test/integration/global-setup.ts, always run in band).
const aliases = [
  'contracts',
  'domain',
  'authz',
  'interchange-protocol',
  'config',
  'messaging',
  'persistence',
  'observability',
  'redis',
  'platform',
  'audit',
  'identity',
  'canonical-store',
  'normalization',
  'dept-store',
  'testing',
  'simulation',
  'webhooks',
  'interchange-store',
  'ingest',
  'report-rendering',
  'report-content',
  'report-store',
  'supervision',
  'supervision-store',
  'ingest-store',
];
const moduleNameMapper = Object.fromEntries(aliases.map((a) => [`^@ajx/${a}$`, `<rootDir>/libs/${a}/src`]));
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] };
const common = {
  rootDir: __dirname,
  moduleNameMapper,
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts', '<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration/setup-after-env.ts'],
      slowTestThreshold: 30,
    },
  ],
};
