import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { IngestStoreModule } from '@ajx/ingest-store';
import { BatchReportService } from './batch-report.service';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';
import { RawBatchPublisher } from './raw-batch.publisher';
import { UploadSessionService } from './upload-session.service';
import { UploadSessionCleanup } from './upload-session-cleanup.service';
import { UploadSlots } from './upload-slots';
import { UploadStore } from './upload-store';
import { UploadController } from './upload.controller';

/** Insurers' native files: one-shot and resumable uploads, publishing to the raw topics, batch reports. */
@Module({
  imports: [AuditModule, IngestStoreModule],
  controllers: [IngestController, UploadController],
  providers: [
    UploadStore,
    RawBatchPublisher,
    IngestService,
    BatchReportService,
    UploadSessionService,
    UploadSlots,
    UploadSessionCleanup,
  ],
})
export class IngestModule {}
