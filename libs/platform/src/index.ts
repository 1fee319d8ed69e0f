export * from './service-runtime.module';
export * from './bootstrap';
export * from './polling-worker';
export * from './sleeper';
export * from './http-hardening';
export * from './loopback-only.guard';
