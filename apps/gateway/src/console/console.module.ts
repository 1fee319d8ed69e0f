import { Module } from '@nestjs/common';
import { AuditModule } from '@ajx/audit';
import { CanonicalStoreModule } from '@ajx/canonical-store';
import { AuthModule } from '../auth/auth.module';
import { GatewayIdentityModule } from '../auth/gateway-identity';
import { ConsoleSessionController } from './console-session.controller';
import { ConsoleSessionService } from './console-session.service';
import { OperatorConsoleController } from './operator-console.controller';
import { OperatorConsoleService } from './operator-console.service';

/**
 * The web console's API (the pages themselves are static files served under /console): signing in and out, and the
 * operator pages' users, DLQ and audit verification.
 */
@Module({
  imports: [AuditModule, GatewayIdentityModule, CanonicalStoreModule, AuthModule],
  controllers: [ConsoleSessionController, OperatorConsoleController],
  providers: [ConsoleSessionService, OperatorConsoleService],
})
export class ConsoleModule {}
