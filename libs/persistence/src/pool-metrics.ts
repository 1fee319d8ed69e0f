import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** What `pg.Pool` tells about itself. */
interface PoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max: number };
}

const pools = new WeakMap<Registry, Map<string, DataSource>>();

/**
 * Exports a pool's connections (`ajx_db_pool_connections{pool,state=total|idle|waiting}`) and size
 * (`ajx_db_pool_max{pool}`), read from `pg.Pool` at scrape time. `waiting` above 0 for long is saturation: requests
 * queue for a connection (raise AJX_DATABASE_POOL_SIZE, or look for slow queries).
 */
export function registerPoolMetrics(registry: Registry, pool: string, dataSource: DataSource): void {
  let byName = pools.get(registry);
  if (!byName) {
    const registered = new Map<string, DataSource>();
    pools.set(registry, (byName = registered));
    const each = (fn: (name: string, p: PoolLike) => void) => {
      for (const [name, ds] of registered) {
        const p = (ds.driver as unknown as { master?: PoolLike }).master;
        if (ds.isInitialized && p) fn(name, p);
      }
    };
    new Gauge({
      name: 'ajx_db_pool_connections',
      help: 'PostgreSQL pool connections by state: total (open), idle, waiting (requests queued for a connection)',
      labelNames: ['pool', 'state'],
      registers: [registry],
      collect() {
        each((name, p) => {
          this.set({ pool: name, state: 'total' }, p.totalCount);
          this.set({ pool: name, state: 'idle' }, p.idleCount);
          this.set({ pool: name, state: 'waiting' }, p.waitingCount);
        });
      },
    });
    new Gauge({
      name: 'ajx_db_pool_max',
      help: 'Most connections the PostgreSQL pool opens (AJX_DATABASE_POOL_SIZE)',
      labelNames: ['pool'],
      registers: [registry],
      collect() {
        each((name, p) => this.set({ pool: name }, p.options.max));
      },
    });
  }
  byName.set(pool, dataSource);
}
