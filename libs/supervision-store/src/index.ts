export * from './jurisdiction-scope';
export * from './supervision-versions.repository';
export * from './supervision-findings.repository';
export * from './supervision-figures.repository';
export * from './supervision-targets.repository';
export * from './supervision-runs.repository';
export * from './supervision-store.module';
export * from './supervision-jobs';
