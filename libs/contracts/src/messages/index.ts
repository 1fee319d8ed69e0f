export * from './kafka-message';
export * from './raw-record.message';
export * from './canonical-event.message';
export * from './dlq.message';
export * from './adapter-checkpoint.message';
export * from './finding.message';
