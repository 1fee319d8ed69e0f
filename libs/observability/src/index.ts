export * from './readiness';
export * from './health.module';
export * from './metrics.module';
export * from './logging.module';
export * from './route-access';
export * from './credential-url';
