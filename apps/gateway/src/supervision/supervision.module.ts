import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { DeptReadConnection } from '@ajx/dept-store';
import { InterchangeStoreModule } from '@ajx/interchange-store';
import { SupervisionReadModule, SupervisionStoreModule } from '@ajx/supervision-store';
import { AdminSupervisionController } from './admin-supervision.controller';
import { DeptSupervisionController } from './dept-supervision.controller';
import { EnterpriseProfileService } from './enterprise-profile.service';
import { FiguresService } from './figures.service';
import { FindingsService } from './findings.service';
import { InsurerSupervisionController } from './insurer-supervision.controller';
import { LadderService } from './ladder.service';
import { SupervisionAdminService } from './supervision-admin.service';
import { SupervisionScopes } from './supervision-scope.service';
import { TargetsService } from './targets.service';

/**
 * Supervision (监管): findings, figures, the enterprise profile, targets and the violation ladder for departments;
 * its own findings for an insurer; evaluations for operators. Reads run on the API role's pool (row-level security
 * by jurisdiction, sectors or insurer); reviews and targets are written by the supervision store's owner.
 */
@Module({
  imports: [
    AuditModule,
    InterchangeStoreModule,
    SupervisionStoreModule,
    SupervisionReadModule.forConnection(DeptReadConnection),
  ],
  controllers: [DeptSupervisionController, InsurerSupervisionController, AdminSupervisionController],
  providers: [
    SupervisionScopes,
    FindingsService,
    FiguresService,
    EnterpriseProfileService,
    TargetsService,
    LadderService,
    SupervisionAdminService,
  ],
})
export class SupervisionModule {}
