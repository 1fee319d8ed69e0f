export * from './topics';
export * from './canonical';
