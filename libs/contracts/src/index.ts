export * from './topics';
export * from './canonical';
export * from './util';
