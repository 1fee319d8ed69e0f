export * from './canonical-event';
export * from './canonical-datetime';
export * from './event-id';
export * from './kafka-binary';
export * from './structured';
