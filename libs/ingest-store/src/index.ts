export * from './batch-outcome.repository';
export * from './ingest-batch.repository';
export * from './upload-session.repository';
export * from './ingest-store.module';
