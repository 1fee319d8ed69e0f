export * from './report-period';
export * from './report-names';
export * from './period-evaluation';
export * from './report-builders';
