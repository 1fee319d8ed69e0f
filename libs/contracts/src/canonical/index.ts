export * from './canonical-record';
