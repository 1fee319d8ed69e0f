/**
 * The broker configuration `deploy/kafka/local-kafka.cjs` writes: a single node keeps one replica of everything; a
 * node of a three-node cluster (npm run kafka -- start --cluster 3) knows every voter and keeps three replicas, two of
 * them in sync for a write with acks=all, and never elects an out-of-sync replica.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require('../../../deploy/kafka/local-kafka.cjs') as {
  serverProperties(o: {
    port: number;
    controllerPort: number;
    logDir: string;
    nodeId?: number;
    voters?: string;
    nodes?: number;
  }): string;
};

const props = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('local Kafka server.properties', () => {
  it('single node: one replica of everything', () => {
    const p = props(localKafka.serverProperties({ port: 9092, controllerPort: 9093, logDir: '/tmp/x' }));
    expect(p).toMatchObject({
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      'default.replication.factor': '1',
      'min.insync.replicas': '1',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
    });
  });

  it('a node of a three-node cluster: every voter, replication factor 3, two replicas in sync, no unclean leader', () => {
    const voters = '1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103';
    const p = props(
      localKafka.serverProperties({ port: 9202, controllerPort: 9102, logDir: '/tmp/x', nodeId: 2, voters, nodes: 3 }),
    );
    expect(p).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '2',
      'controller.quorum.voters': voters,
      listeners: 'PLAINTEXT://127.0.0.1:9202,CONTROLLER://127.0.0.1:9102',
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'unclean.leader.election.enable': 'false',
    });
    expect(p['broker.rack']).toBeUndefined();
  });
});
