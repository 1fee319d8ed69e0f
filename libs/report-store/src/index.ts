export * from './report-scope';
export * from './reports.repository';
export * from './report-store.module';
export * from './report-jobs';
