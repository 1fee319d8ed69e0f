/* Private infrastructure of the cluster chaos run (npm run test:chaos -- --cluster): a PostgreSQL 15 cluster and a
 * Redis server as the single-node run has them (infra.ts), and a three-node KRaft cluster from
 * deploy/kafka/local-kafka.cjs (replication factor 3, min.insync.replicas=2), all in one directory of their own
 * under $TMPDIR/ajx-chaos-cluster-runs/. Leftovers of killed runs are reaped first, cluster nodes included. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@ajx/testing';
import { ChaosInfra, PrivatePostgres, PrivateRedis } from './infra';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require('../../../deploy/kafka/local-kafka.cjs') as {
  startCluster(o: { dataDir: string; nodes: number; heapMb?: number }): Promise<{
    brokers: string[];
    nodes: { nodeId: number; port: number; pid: number }[];
  }>;
  startClusterNode(dataDir: string, nodeId: number, o?: { heapMb?: number }): Promise<{ pid: number }>;
  killClusterNode(dataDir: string, nodeId: number): Promise<boolean>;
  stopCluster(dataDir: string, graceMs?: number): Promise<boolean>;
  quorumLeader(dataDir: string): { nodeId: number; epoch: number } | null;
};

export const CLUSTER_RUNS_DIR = path.join(os.tmpdir(), 'ajx-chaos-cluster-runs');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The run's Kafka cluster: nodes 1…n, each killed with SIGKILL and started again on its own ports and storage. */
export class PrivateKafkaCluster {
  readonly dataDir: string;
  brokers: string[] = [];
  nodeIds: number[] = [];
  constructor(
    dir: string,
    readonly nodes: number,
    private readonly heapMb = 512,
  ) {
    this.dataDir = path.join(dir, 'kafka');
  }

  async start(): Promise<void> {
    const c = await localKafka.startCluster({ dataDir: this.dataDir, nodes: this.nodes, heapMb: this.heapMb });
    this.brokers = c.brokers;
    this.nodeIds = c.nodes.map((n) => n.nodeId);
  }

  /** The active controller (KRaft quorum leader) as the voters recorded it. */
  controllerLeader(): number | null {
    return localKafka.quorumLeader(this.dataDir)?.nodeId ?? null;
  }

  async kill9(nodeId: number): Promise<void> {
    await localKafka.killClusterNode(this.dataDir, nodeId);
  }

  async restart(nodeId: number): Promise<void> {
    await localKafka.startClusterNode(this.dataDir, nodeId, { heapMb: this.heapMb });
  }

  async stop(graceMs = 10000): Promise<void> {
    await localKafka.stopCluster(this.dataDir, graceMs);
  }
}

/** Everything the cluster run started, in one directory whose owner pid lets a later run reap it. */
export class ClusterChaosInfra {
  pg!: PrivatePostgres;
  redis!: PrivateRedis;
  kafka!: PrivateKafkaCluster;

  private constructor(readonly dir: string) {}

  static async start(nodes: number): Promise<ClusterChaosInfra> {
    ClusterChaosInfra.reap();
    fs.mkdirSync(CLUSTER_RUNS_DIR, { recursive: true });
    const infra = new ClusterChaosInfra(fs.mkdtempSync(path.join(CLUSTER_RUNS_DIR, 'run-')));
    fs.writeFileSync(path.join(infra.dir, 'owner.pid'), String(process.pid));
    infra.pg = new PrivatePostgres(infra.dir, await freePort());
    infra.redis = new PrivateRedis(infra.dir, await freePort());
    infra.kafka = new PrivateKafkaCluster(infra.dir, nodes);
    const onSignal = (signal: NodeJS.Signals) => {
      process.stderr.write(`\n${signal}: stopping the cluster chaos run's processes\n`);
      ClusterChaosInfra.reapDir(infra.dir, true);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    try {
      infra.pg.init();
      await infra.pg.start();
      await infra.redis.start();
      await infra.kafka.start();
    } catch (err) {
      await infra.stop();
      throw err;
    }
    return infra;
  }

  async stop(): Promise<void> {
    if (process.env.AJX_TEST_KEEP === '1') {
      process.stderr.write(
        `\nAJX_TEST_KEEP=1: leaving ${this.dir} (pg ${this.pg.url}, kafka cluster, redis) running\n`,
      );
      return;
    }
    await this.kafka.stop(5000).catch(() => undefined);
    await this.redis.kill().catch(() => undefined);
    await this.pg.stop('immediate').catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  static reap(): void {
    if (!fs.existsSync(CLUSTER_RUNS_DIR)) return;
    for (const name of fs.readdirSync(CLUSTER_RUNS_DIR)) {
      const dir = path.join(CLUSTER_RUNS_DIR, name);
      const ownerFile = path.join(dir, 'owner.pid');
      const owner = fs.existsSync(ownerFile) ? Number(fs.readFileSync(ownerFile, 'utf8')) : 0;
      if (owner && alive(owner)) continue;
      ClusterChaosInfra.reapDir(dir, false);
    }
  }

  /** SIGKILLs the cluster's nodes, then what ChaosInfra.reapDir stops (services, Redis, PostgreSQL). */
  static reapDir(dir: string, keepable: boolean): void {
    if (keepable && process.env.AJX_TEST_KEEP === '1') return;
    const kafkaDir = path.join(dir, 'kafka');
    if (fs.existsSync(kafkaDir)) {
      for (const node of fs.readdirSync(kafkaDir).filter((n) => n.startsWith('node-'))) {
        const pidFile = path.join(kafkaDir, node, 'kafka.pid');
        const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : 0;
        let cmdline = '';
        try {
          cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          // gone
        }
        if (pid && alive(pid) && cmdline.includes(dir)) process.kill(pid, 'SIGKILL');
      }
    }
    ChaosInfra.reapDir(dir, keepable);
  }
}
