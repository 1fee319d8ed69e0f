import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { DeptReadConnection } from '@ajx/dept-store';
import { ReportReadModule } from '@ajx/report-store';
import { AdminReportsController, DeptReportsController, InsurerReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/**
 * Reports filed upward (周报, 工作简报, 月度讲评): the list, the files and on-demand runs. Reads run on the API role's
 * pool (row-level security by jurisdiction or insurer); the supervisor makes the reports.
 */
@Module({
  imports: [AuditModule, ReportReadModule.forConnection(DeptReadConnection)],
  controllers: [DeptReportsController, InsurerReportsController, AdminReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
