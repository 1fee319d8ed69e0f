import { Module } from '@nestjs/common';
import { CanonicalStoreRepository } from './canonical-store.repository';
import { DlqRepository } from './dlq.repository';

const REPOSITORIES = [CanonicalStoreRepository, DlqRepository];

/** The canonical store's repositories on the service's connection pool. */
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class CanonicalStoreModule {}
