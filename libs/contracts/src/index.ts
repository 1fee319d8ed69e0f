export * from './canonical';
export * from './events';
export * from './raw';
export * from './topics';
export * from './util';
export * from './messages';
