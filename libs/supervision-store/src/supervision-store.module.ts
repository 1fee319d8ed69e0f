import { Module } from '@nestjs/common';
import { SupervisionFiguresRepository } from './supervision-figures.repository';
import { SupervisionFindingsRepository } from './supervision-findings.repository';
import { SupervisionRevisitsRepository } from './supervision-revisits.repository';
import { SupervisionRunsRepository } from './supervision-runs.repository';
import { SupervisionTargetsRepository } from './supervision-targets.repository';
import { SupervisionVersionsRepository } from './supervision-versions.repository';

const REPOSITORIES = [
  SupervisionVersionsRepository,
  SupervisionFindingsRepository,
  SupervisionFiguresRepository,
  SupervisionTargetsRepository,
  SupervisionRunsRepository,
  SupervisionRevisitsRepository,
];

/** The supervision store's repositories on the service's connection pool (the owner of the `supervision_*` tables). */
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class SupervisionStoreModule {}
