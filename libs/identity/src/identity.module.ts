import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { CredentialService } from './credential.service';
import { IdentityRepository } from './identity.repository';
import { PrincipalService } from './principal.service';

@Module({
  imports: [AuditModule],
  providers: [IdentityRepository, PrincipalService, CredentialService],
  exports: [PrincipalService, CredentialService],
})
export class IdentityModule {}
