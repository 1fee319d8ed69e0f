import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { DeptStoreModule } from '@ajx/dept-store';
import { GatewayIdentityModule } from '../auth/gateway-identity';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import { NotificationsAdminController } from './notifications-admin.controller';
import { NotificationsAdminService } from './notifications-admin.service';

/** Operators: principals and credentials, and every department's webhook deliveries and escalations. */
@Module({
  imports: [AuditModule, GatewayIdentityModule, DeptStoreModule],
  controllers: [AdminController, NotificationsAdminController],
  providers: [AdminService, NotificationsAdminService],
})
export class AdminModule {}
