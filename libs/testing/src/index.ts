export * from './test-env';
export * from './interchange-fixtures';
