export * from './adapter-checkpoint';
