export * from './canonical-store.types';
export * from './canonical-store.repository';
export * from './dlq.repository';
export * from './personal-data.repository';
