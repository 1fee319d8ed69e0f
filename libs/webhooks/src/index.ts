export * from './webhook-signature';
export * from './webhook-url.policy';
export * from './webhook-backoff';
export * from './webhook-targets.config';
export * from './webhook-secret-keyring';
