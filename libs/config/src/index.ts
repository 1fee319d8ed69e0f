export * from './config.loader';
export * from './common.config';
export * from './config.module';
export * from './secret-file';
export * from './settings';
