import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { DeptStoreModule } from '@ajx/dept-store';
import { GatewayIdentityModule } from '../auth/gateway-identity';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import { NotificationsAdminController } from './notifications-admin.controller';
import { NotificationsAdminService } from './notifications-admin.service';
import { QueuesDashboardController } from './queues-dashboard.controller';
import { QueuesDashboardService } from './queues-dashboard.service';

/** Operators: principals and credentials, every department's webhook deliveries and escalations, the job queues. */
@Module({
  imports: [AuditModule, GatewayIdentityModule, DeptStoreModule],
  controllers: [AdminController, NotificationsAdminController, QueuesDashboardController],
  providers: [AdminService, NotificationsAdminService, QueuesDashboardService],
})
export class AdminModule {}
