export * from './raw-record';
