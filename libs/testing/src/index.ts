export * from './test-env';
export * from './test-db';
export * from './interchange-fixtures';
export * from './child-service';
