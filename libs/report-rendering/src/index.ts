export * from './report-document';
export * from './report-values';
export * from './report-file-name';
export * from './csv.renderer';
export * from './xlsx.renderer';
export * from './sample-weekly-report';
