export * from './raw-input';
export * from './normalization.pipeline';
export * from './raw-replayer';
export * from './dlq-redriver';
