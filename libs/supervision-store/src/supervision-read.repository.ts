import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { coverageSnapshot, type SummedRow, sumFigures } from './supervision-figures.repository';
import {
  confirmedFindings,
  type FindingHistoryEntry,
  type FindingListFilter,
  findingById,
  findingHistory,
  listFindings,
  type StoredFinding,
} from './supervision-findings.repository';
import type { ScopedRead } from './supervision-scope';

/**
 * Reads of supervision data for a department or an insurer, on the API's connection (role `ajx_api`): every query runs
 * in a transaction that first sets the scope (transaction-local), and row-level security on the supervision tables
 * hides everything else — the filters below only narrow what the scope already allows.
 */
export class SupervisionReadRepository {
  constructor(private readonly db: DataSource) {}

  private inScope<T>(scope: ScopedRead, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      // Every setting the policies read is set in every transaction: a setting left unset reads back as '' (not
      // NULL) on a pooled connection that earlier set it, so no read may rely on another read's leftovers.
      const jurisdiction = scope.kind === 'jurisdiction';
      await tx.query(
        `SELECT set_config('ajx.region_prefix', $1, true), set_config('ajx.sectors', $2, true),
                set_config('ajx.insurer', $3, true)`,
        [
          jurisdiction ? scope.regionPrefix : 'none',
          jurisdiction ? (scope.sectors === '*' ? '*' : scope.sectors.join(',')) : '',
          jurisdiction ? '' : scope.insurer,
        ],
      );
      return work(tx);
    });
  }

  findings(scope: ScopedRead, filter: FindingListFilter): Promise<StoredFinding[]> {
    return this.inScope(scope, (tx) => listFindings(tx, filter));
  }

  finding(scope: ScopedRead, findingId: string): Promise<StoredFinding | null> {
    return this.inScope(scope, (tx) => findingById(tx, findingId));
  }

  history(scope: ScopedRead, findingId: string): Promise<FindingHistoryEntry[]> {
    return this.inScope(scope, (tx) => findingHistory(tx, findingId));
  }

  /** Confirmed findings of the given rules reviewed in a Beijing year (the violation ladder of the scope). */
  confirmed(scope: ScopedRead, rules: readonly string[], year: number): Promise<StoredFinding[]> {
    return this.inScope(scope, (tx) => confirmedFindings(tx, rules, year, ''));
  }

  /** The scope's coverage rows on a past date (the daily snapshots). */
  coverageOn(scope: ScopedRead, asOf: string): Promise<SummedRow[]> {
    if (scope.kind !== 'jurisdiction') throw new Error('figures are read for a jurisdiction');
    return this.inScope(scope, (tx) => coverageSnapshot(tx, asOf, scope.regionPrefix, scope.sectors));
  }

  /**
   * An insurer's own figure rows (premium, ledger, service coverage and claims whose key names it), summed over every
   * county: row-level security shows an insurer nothing else.
   */
  insurerFigureSums(scope: ScopedRead): Promise<SummedRow[]> {
    if (scope.kind !== 'insurer') throw new Error('an insurer reads its own figures');
    return this.inScope(scope, (tx) => sumFigures(tx, '', '*'));
  }

  /** Figure rows summed over the scope's enterprises. */
  figureSums(scope: ScopedRead): Promise<SummedRow[]> {
    if (scope.kind !== 'jurisdiction') throw new Error('figures are read for a jurisdiction');
    return this.inScope(scope, (tx) => sumFigures(tx, scope.regionPrefix, scope.sectors));
  }
}

/** A connection holder as an app provides it (e.g. the department API's pool of role `ajx_api`). */
export interface ReadConnection {
  readonly db: DataSource;
}

/** Registers {@link SupervisionReadRepository} on the connection the app names (the API role's pool). */
@Module({})
export class SupervisionReadModule {
  static forConnection(connection: Type<ReadConnection>): DynamicModule {
    return {
      module: SupervisionReadModule,
      providers: [
        {
          provide: SupervisionReadRepository,
          inject: [connection],
          useFactory: (c: ReadConnection) => new SupervisionReadRepository(c.db),
        },
      ],
      exports: [SupervisionReadRepository],
    };
  }
}
