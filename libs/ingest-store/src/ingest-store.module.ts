import { Module } from '@nestjs/common';
import { BatchOutcomeRepository } from './batch-outcome.repository';
import { IngestBatchRepository } from './ingest-batch.repository';
import { UploadSessionRepository } from './upload-session.repository';

const REPOSITORIES = [IngestBatchRepository, BatchOutcomeRepository, UploadSessionRepository];

/** The repositories of uploads, their batches and per-record outcomes, on the service's connection pool. */
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class IngestStoreModule {}
