export * from './canonical-store.types';
export * from './canonical-store.repository';
export * from './dlq.repository';
export * from './personal-data.repository';
export * from './erasure-ledger.repository';
export * from './canonical-store.module';
export type { OutcomeKind, RecordOutcome } from '@ajx/ingest-store';
