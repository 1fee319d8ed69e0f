export * from './canonical-values';
export * from './datetime';
