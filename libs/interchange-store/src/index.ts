export * from './interchange-endpoints';
export * from './canonical-feed';
export * from './interchange-state.repository';
export * from './register/register-entry';
export * from './register/register.repository';
export * from './register/register-intake';
export * from './interchange-store.module';
export * from './interchange-jobs';
