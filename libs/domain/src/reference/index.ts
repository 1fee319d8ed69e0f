export * from './regions';
export * from './sectors';
export * from './uscc';
