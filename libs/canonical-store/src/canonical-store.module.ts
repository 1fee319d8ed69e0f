import { Module } from '@nestjs/common';
import { CanonicalStoreRepository } from './canonical-store.repository';
import { DlqRepository } from './dlq.repository';
import { ErasureLedgerRepository } from './erasure-ledger.repository';
import { PersonalDataRepository } from './personal-data.repository';

const REPOSITORIES = [CanonicalStoreRepository, DlqRepository, PersonalDataRepository, ErasureLedgerRepository];

/** The canonical store's repositories on the service's connection pool. */
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class CanonicalStoreModule {}
