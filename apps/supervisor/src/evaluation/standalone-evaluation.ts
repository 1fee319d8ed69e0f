import { RegisterRepository } from '@ajx/interchange-store';
import { MetricsRegistry } from '@ajx/observability';
import {
  SupervisionFiguresRepository,
  SupervisionFindingsRepository,
  SupervisionRevisitsRepository,
  SupervisionRunsRepository,
  SupervisionVersionsRepository,
} from '@ajx/supervision-store';
import type { DataSource } from 'typeorm';
import type { FindingsPublisher } from '../findings.publisher';
import type { SupervisionClock } from '../supervision-clock';
import type { SupervisorConfig } from '../supervisor.config';
import { SupervisorMetrics } from '../supervisor.metrics';
import { EnterpriseEvaluationService } from './enterprise-evaluation.service';
import { FullEvaluationService } from './full-evaluation.service';

/**
 * The supervisor's evaluation on a database without the rest of the service (no Kafka, no Redis, no Nest): what
 * `bench:supervise` measures and integration tests drive with a clock of their own. Nothing is published — the
 * findings stay in their outbox (`published_version` behind) — and the metrics go to a registry of their own.
 */
export function standaloneEvaluation(db: DataSource, config: SupervisorConfig, clock: SupervisionClock) {
  const versions = new SupervisionVersionsRepository(db);
  const findings = new SupervisionFindingsRepository(db);
  const figures = new SupervisionFiguresRepository(db);
  const register = new RegisterRepository(db);
  const runs = new SupervisionRunsRepository(db);
  const revisits = new SupervisionRevisitsRepository(db);
  const evaluation = new EnterpriseEvaluationService(config, db, versions, findings, figures, register, revisits);
  const unpublished = { kick: () => undefined } as unknown as FindingsPublisher;
  const full = new FullEvaluationService(
    config,
    evaluation,
    versions,
    findings,
    register,
    runs,
    figures,
    revisits,
    clock,
    unpublished,
    new SupervisorMetrics(new MetricsRegistry()),
  );
  return { versions, findings, figures, register, runs, revisits, evaluation, full };
}
