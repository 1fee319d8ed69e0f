export * from './stable-json';
