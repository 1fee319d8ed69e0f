import { adapterStateTopicName, adapterTransactionalId, rawTopicName, Topics } from '@ajx/contracts';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, type Kafka, ResourcePatternTypes } from 'kafkajs';

export type AclResource = 'topic' | 'group' | 'transactional-id' | 'cluster';
export type AclOperation = 'read' | 'write' | 'describe' | 'idempotent-write';

/** One ALLOW rule: a user may do `operations` on resources named `name` (exactly, or every name starting with it). */
export interface AclGrant {
  resource: AclResource;
  name: string;
  pattern: 'literal' | 'prefixed';
  operations: AclOperation[];
}

export interface KafkaUserPlan {
  user: string;
  /** What the user is for (insurer code or service name). */
  role: string;
  grants: AclGrant[];
}

/** Services that talk to Kafka, each with a SCRAM user of its own (interchange and notifier use no Kafka). */
export const KAFKA_SERVICES = ['gateway', 'normalizer', 'router'] as const;
export type KafkaService = (typeof KAFKA_SERVICES)[number];

export function insurerKafkaUser(insurer: string, userPrefix = ''): string {
  return `${userPrefix}insurer-${insurer}`;
}

export function serviceKafkaUser(service: string, userPrefix = ''): string {
  return `${userPrefix}svc-${service}`;
}

/**
 * The least an insurer's adapter needs: write (and describe) its own raw topic only; read and write its own
 * checkpoint topic; its transactional ids and state-reading consumer groups under `ajx-adapter.<INSURER>.`.
 */
export function insurerGrants(insurer: string, topicPrefix = ''): AclGrant[] {
  const ids = `${topicPrefix}${adapterTransactionalId(insurer)}.`;
  return [
    {
      resource: 'topic',
      name: topicPrefix + rawTopicName(insurer),
      pattern: 'literal',
      operations: ['write', 'describe'],
    },
    {
      resource: 'topic',
      name: topicPrefix + adapterStateTopicName(insurer),
      pattern: 'literal',
      operations: ['read', 'write', 'describe'],
    },
    { resource: 'transactional-id', name: ids, pattern: 'prefixed', operations: ['write', 'describe'] },
    { resource: 'group', name: ids, pattern: 'prefixed', operations: ['read'] },
  ];
}

export function serviceGrants(service: KafkaService, topicPrefix = ''): AclGrant[] {
  const raw = topicPrefix + Topics.rawPrefix;
  const canonical = topicPrefix + Topics.canonical;
  const dlq = topicPrefix + Topics.dlq;
  switch (service) {
    case 'gateway':
      return [{ resource: 'topic', name: raw, pattern: 'prefixed', operations: ['write', 'describe'] }];
    case 'normalizer':
      return [
        { resource: 'topic', name: raw, pattern: 'prefixed', operations: ['read', 'describe'] },
        { resource: 'topic', name: canonical, pattern: 'literal', operations: ['write', 'describe'] },
        { resource: 'topic', name: dlq, pattern: 'literal', operations: ['write', 'describe'] },
        { resource: 'group', name: `${topicPrefix}ajx.normalizer`, pattern: 'literal', operations: ['read'] },
      ];
    case 'router':
      return [
        { resource: 'topic', name: canonical, pattern: 'literal', operations: ['read', 'describe'] },
        { resource: 'group', name: `${topicPrefix}ajx.router`, pattern: 'literal', operations: ['read'] },
      ];
  }
}

/** Every user and grant of a deployment with these insurers. */
export function kafkaAccessPlan(insurers: readonly string[], topicPrefix = '', userPrefix = ''): KafkaUserPlan[] {
  return [
    ...insurers.map((insurer) => ({
      user: insurerKafkaUser(insurer, userPrefix),
      role: `insurer ${insurer}`,
      grants: insurerGrants(insurer, topicPrefix),
    })),
    ...KAFKA_SERVICES.map((service) => ({
      user: serviceKafkaUser(service, userPrefix),
      role: `service ${service}`,
      grants: serviceGrants(service, topicPrefix),
    })),
  ];
}

const RESOURCE: Record<AclResource, AclResourceTypes> = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  'transactional-id': AclResourceTypes.TRANSACTIONAL_ID,
  cluster: AclResourceTypes.CLUSTER,
};
const OPERATION: Record<AclOperation, AclOperationTypes> = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  describe: AclOperationTypes.DESCRIBE,
  'idempotent-write': AclOperationTypes.IDEMPOTENT_WRITE,
};
const byValue = <T extends string>(m: Record<T, number>) =>
  new Map(Object.entries(m).map(([k, v]) => [v as number, k as T]));
const RESOURCE_NAME = byValue(RESOURCE);
const OPERATION_NAME = byValue(OPERATION);

/** An ACL as listed by `ajx kafka acls`. */
export interface AclRow {
  principal: string;
  resource: string;
  name: string;
  pattern: string;
  operation: string;
  permission: string;
}

/** Creates, lists and removes the hub's ACLs through the Kafka admin API (the caller must be a super user). */
export class KafkaAccessAdmin {
  constructor(private readonly kafka: Kafka) {}

  async grant(plans: readonly KafkaUserPlan[]): Promise<number> {
    const acl = plans.flatMap((p) =>
      p.grants.flatMap((g) =>
        g.operations.map((op) => ({
          resourceType: RESOURCE[g.resource],
          resourceName: g.name,
          resourcePatternType: g.pattern === 'prefixed' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
          principal: `User:${p.user}`,
          host: '*',
          operation: OPERATION[op],
          permissionType: AclPermissionTypes.ALLOW,
        })),
      ),
    );
    if (acl.length === 0) return 0;
    await this.withAdmin((admin) => admin.createAcls({ acl }));
    return acl.length;
  }

  async list(user?: string): Promise<AclRow[]> {
    const res = await this.withAdmin((admin) =>
      admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal: user ? `User:${user}` : undefined,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      }),
    );
    return res.resources
      .flatMap((r) =>
        r.acls.map((a) => ({
          principal: a.principal,
          resource: RESOURCE_NAME.get(r.resourceType) ?? String(r.resourceType),
          name: r.resourceName,
          pattern: r.resourcePatternType === ResourcePatternTypes.PREFIXED ? 'prefixed' : 'literal',
          operation: OPERATION_NAME.get(a.operation) ?? String(a.operation),
          permission: a.permissionType === AclPermissionTypes.ALLOW ? 'allow' : 'deny',
        })),
      )
      .sort((a, b) => `${a.principal} ${a.resource} ${a.name}`.localeCompare(`${b.principal} ${b.resource} ${b.name}`));
  }

  /** Removes every ACL of the user; returns how many were removed. */
  async revoke(user: string): Promise<number> {
    const res = await this.withAdmin((admin) =>
      admin.deleteAcls({
        filters: [
          {
            resourceType: AclResourceTypes.ANY,
            resourcePatternType: ResourcePatternTypes.ANY,
            principal: `User:${user}`,
            operation: AclOperationTypes.ANY,
            permissionType: AclPermissionTypes.ANY,
          },
        ],
      }),
    );
    return res.filterResponses.reduce((n, f) => n + f.matchingAcls.length, 0);
  }

  private async withAdmin<T>(run: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await run(admin);
    } finally {
      await admin.disconnect();
    }
  }
}
