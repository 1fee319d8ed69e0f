/** Layer rules of the monorepo, checked in the test command (npm run lint). */
const PURE_LIBS = '^libs/(contracts|domain|authz|simulation|interchange-protocol|supervision)/';
const FRAMEWORK_AND_IO =
  '(^|/)node_modules/(@nestjs|typeorm|pg|pg-[a-z]+|kafkajs|ioredis|bullmq|express|nestjs-pino|pino|pino-http|prom-client)/';
const NODE_IO = '^(fs|fs/promises|net|http|https|http2|dgram|child_process|cluster|worker_threads|dns|tls|readline)$';
// Report rendering: no framework and no infrastructure, but it may read files (the PDF renderer reads its font).
const REPORT_RENDERING = '^libs/report-rendering/';
// Report contents: pure (a period's evaluation in, a report document out) over the pure libs and report-rendering.
const REPORT_CONTENT = '^libs/report-content/';

module.exports = {
  forbidden: [
    {
      name: 'apps-are-independent',
      comment: 'An app never imports another app: shared code belongs in a lib.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'pure-libs-no-framework',
      comment:
        'contracts, domain, authz, simulation, interchange-protocol and supervision are pure: no framework and no I/O (they run in the CLI and in every service).',
      severity: 'error',
      from: { path: PURE_LIBS, pathNot: '\\.(int-)?spec\\.ts$' },
      to: { path: FRAMEWORK_AND_IO },
    },
    {
      name: 'pure-libs-no-node-io',
      severity: 'error',
      from: { path: PURE_LIBS, pathNot: '\\.(int-)?spec\\.ts$' },
      to: { dependencyTypes: ['core'], path: NODE_IO },
    },
    {
      name: 'pure-libs-only-import-pure-libs',
      severity: 'error',
      from: { path: PURE_LIBS, pathNot: '\\.(int-)?spec\\.ts$' },
      to: { path: '^libs/', pathNot: PURE_LIBS },
    },
    {
      name: 'report-rendering-no-framework',
      comment:
        'report-rendering turns a report document into CSV/XLSX/PDF bytes: no framework, no Kafka/PostgreSQL/Redis (the reports service does the I/O).',
      severity: 'error',
      from: { path: REPORT_RENDERING, pathNot: '\\.(int-)?spec\\.ts$' },
      to: { path: FRAMEWORK_AND_IO },
    },
    {
      name: 'report-rendering-reads-files-only',
      comment: 'Of Node I/O, report-rendering only reads files (the CJK font): no network, no processes.',
      severity: 'error',
      from: { path: REPORT_RENDERING, pathNot: '\\.(int-)?spec\\.ts$' },
      to: { dependencyTypes: ['core'], path: NODE_IO, pathNot: '^(fs|fs/promises)$' },
    },
    {
      name: 'report-rendering-only-imports-pure-libs',
      severity: 'error',
      from: { path: REPORT_RENDERING, pathNot: '\\.(int-)?spec\\.ts$' },
      to: { path: '^libs/', pathNot: [PURE_LIBS, REPORT_RENDERING] },
    },
    {
      name: 'report-content-no-framework',
      comment: 'report-content builds report documents from supervision results: pure, no framework and no I/O.',
      severity: 'error',
      from: { path: REPORT_CONTENT, pathNot: '\\.(int-)?spec\\.ts$' },
      to: { path: FRAMEWORK_AND_IO },
    },
    {
      name: 'report-content-no-node-io',
      severity: 'error',
      from: { path: REPORT_CONTENT, pathNot: '\\.(int-)?spec\\.ts$' },
      to: { dependencyTypes: ['core'], path: NODE_IO },
    },
    {
      name: 'report-content-only-imports-pure-libs',
      severity: 'error',
      from: { path: REPORT_CONTENT, pathNot: '\\.(int-)?spec\\.ts$' },
      to: { path: '^libs/', pathNot: [PURE_LIBS, REPORT_RENDERING, REPORT_CONTENT] },
    },
    {
      name: 'contracts-is-the-bottom',
      comment: 'contracts depends on no other lib.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: '^libs/(?!contracts/)' },
    },
    {
      name: 'services-and-repositories-no-http',
      comment:
        'Services take plain values and repositories do I/O on stores: neither sees a request or a response. HTTP stays at the edge (controllers, guards, interceptors, apps/gateway/src/http).',
      severity: 'error',
      from: { path: '\\.(service|repository)\\.ts$' },
      to: { path: '(^|/)node_modules/(express|@types/express|busboy)/' },
    },
    {
      name: 'testing-only-in-tests',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: ['^libs/testing/', '\\.(int-)?spec\\.ts$'] },
      to: { path: '^libs/testing/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The console (apps/console) is a browser app built by Vite, outside the services' layer rules.
    exclude: { path: '(^|/)dist/|^apps/console/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'] },
  },
};
