import { Module } from '@nestjs/common';
import { AuditLog } from './audit-log.service';
import { AuditSealer } from './audit-sealer.service';
import { AuditVerifier } from './audit-verifier.service';
import { AuditRepository } from './audit.repository';

@Module({
  providers: [AuditRepository, AuditLog, AuditSealer, AuditVerifier],
  exports: [AuditLog, AuditSealer, AuditVerifier],
})
export class AuditModule {}
