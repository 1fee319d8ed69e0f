export * from './data-source';
export * from './database.module';
export { MIGRATIONS } from './migrations';
export * from './database-admin';
export * from './sql';
export * from './pg-connection';
export * from './pool-metrics';
export * from './personal-data.sql';
export * from './copy-rows';
