export * from './service-runtime.module';
export * from './bootstrap';
