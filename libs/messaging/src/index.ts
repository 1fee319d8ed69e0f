export * from './message';
export * from './kafka.factory';
export * from './event.producer';
export * from './topic-admin';
export * from './kafka-batch.server';
export * from './messaging.module';
export * from './kafka-access';
export * from './topic-reader';
