export * from './queryable';
export * from './interchange-endpoints';
export * from './canonical-feed.repository';
export * from './interchange-state.repository';
export * from './register/register-entry';
export * from './register/register.repository';
export * from './register/register-intake';
