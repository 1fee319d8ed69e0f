export * from './canonical-store.types';
export * from './canonical-store.repository';
export * from './dlq.repository';
export * from './canonical-store.module';
export type { OutcomeKind, RecordOutcome } from '@ajx/ingest-store';
