export * from './canonical-record';
export * from './reject-codes';
export * from './canonical.validator';
export * from './schema-history';
