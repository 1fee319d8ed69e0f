import { Module } from '@nestjs/common';
import { CanonicalStoreModule } from '@ajx/canonical-store';
import { CanonicalFeed } from './canonical-feed';
import { InterchangeStateRepository } from './interchange-state.repository';
import { RegisterIntake } from './register/register-intake';
import { RegisterRepository } from './register/register.repository';

const PROVIDERS = [InterchangeStateRepository, CanonicalFeed, RegisterRepository, RegisterIntake];

/**
 * The interchange's state and the must-insure register on the service's connection pool, and the province's view of
 * the canonical store. An endpoint's sender builds its own instances on the connection that holds its lock.
 */
@Module({ imports: [CanonicalStoreModule], providers: PROVIDERS, exports: PROVIDERS })
export class InterchangeStoreModule {}
