export * from './readiness';
export * from './health.module';
export * from './metrics.module';
export * from './logging.module';
