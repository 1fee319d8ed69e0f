export * from './raw-message';
export * from './checkpoint';
export * from './stability';
export * from './drop-folder';
export * from './adapter-runner';
