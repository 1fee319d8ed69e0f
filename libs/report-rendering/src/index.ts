export * from './report-document';
export * from './report-values';
export * from './report-file-name';
export * from './sample-weekly-report';
