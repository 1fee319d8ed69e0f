import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { AuditSealingService } from './audit-sealing.service';

/** Seals the audit log into signed, hash-chained blocks (any gateway instance, one at a time). */
@Module({ imports: [AuditModule], providers: [AuditSealingService] })
export class AuditSealingModule {}
