import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { ConsoleUserRepository } from './console-user.repository';
import { ConsoleUserService } from './console-user.service';
import { CredentialService } from './credential.service';
import { DEPARTMENT_POLICY, shapeOnlyDepartmentPolicy } from './department.policy';
import { IdentityRepository } from './identity.repository';
import { PrincipalService } from './principal.service';

@Module({})
export class IdentityModule {
  /** `departmentPolicy` provides DEPARTMENT_POLICY (e.g. backed by the deployment's rule pack). */
  static register(
    departmentPolicy: Provider = { provide: DEPARTMENT_POLICY, useValue: shapeOnlyDepartmentPolicy },
  ): DynamicModule {
    return {
      module: IdentityModule,
      imports: [AuditModule],
      providers: [
        IdentityRepository,
        ConsoleUserRepository,
        PrincipalService,
        CredentialService,
        ConsoleUserService,
        departmentPolicy,
      ],
      exports: [PrincipalService, CredentialService, ConsoleUserService, IdentityRepository],
    };
  }
}
