/**
 * Every Kafka topic of the hub, in one place. Names are logical; a deployment may prepend a prefix
 * (AJX_TOPIC_PREFIX) so several runs or tenants can share a cluster.
 */
export const Topics = {
  /** One message per native record, per insurer: `ajx.raw.v1.<INSURER>`. Retained indefinitely (replay source). */
  rawPrefix: 'ajx.raw.v1.',
  /** Canonical CloudEvents (binary mode), key = enterprise USCC. */
  canonical: 'ajx.canonical.v1',
  /** Records that could not be normalised or were refused, with the reason in headers. */
  dlq: 'ajx.dlq.v1',
  /**
   * One compacted topic per insurer adapter: `ajx.adapter-state.v1.<INSURER>`, key = file SHA-256, value = its
   * publishing checkpoint (written in the same transaction as the raw records). Per insurer so that one insurer's
   * credentials can never read or forge another's checkpoints.
   */
  adapterStatePrefix: 'ajx.adapter-state.v1.',
  /**
   * Supervision findings (监管发现): every change of a finding (opened, updated, resolved, re-opened, confirmed,
   * dismissed) as its new version, key = finding id; written by the supervisor, routed to the entitled departments'
   * views and feeds by the router. The supervision store is the long-term record.
   */
  findings: 'ajx.findings.v1',
} as const;

export const INSURER_CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,31}$/;

export interface TopicSpec {
  /** Logical name without prefix. */
  name: string;
  partitions: number;
  /** -1 keeps messages forever. */
  retentionMs: number;
  cleanupPolicy: 'delete' | 'compact';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The insurer code, checked: it becomes part of topic names and ids, which ACLs match by prefix. */
function checkedInsurer(insurer: string): string {
  if (!INSURER_CODE_PATTERN.test(insurer)) throw new Error(`invalid insurer code ${JSON.stringify(insurer)}`);
  return insurer;
}

export function rawTopicName(insurer: string): string {
  return `${Topics.rawPrefix}${checkedInsurer(insurer)}`;
}

export function adapterStateTopicName(insurer: string): string {
  return `${Topics.adapterStatePrefix}${checkedInsurer(insurer)}`;
}

/** The transactional id (and consumer group) prefix of an insurer's adapter: `ajx-adapter.<INSURER>`. */
export function adapterTransactionalId(insurer: string): string {
  return `ajx-adapter.${checkedInsurer(insurer)}`;
}

/** The insurer a raw topic belongs to (the identity comes from the topic, never from a header). */
export function insurerOfRawTopic(topic: string, prefix = ''): string | null {
  const logical = topic.startsWith(prefix) ? topic.slice(prefix.length) : null;
  if (logical === null || !logical.startsWith(Topics.rawPrefix)) return null;
  const insurer = logical.slice(Topics.rawPrefix.length);
  return INSURER_CODE_PATTERN.test(insurer) ? insurer : null;
}

export interface TopicLayout {
  rawPartitions: number;
  canonicalPartitions: number;
  dlqPartitions: number;
  /** How long canonical and DLQ messages are kept; the canonical store is the long-term record. */
  canonicalRetentionMs: number;
  dlqRetentionMs: number;
  /**
   * How long raw insurer records (personal data included) are kept: -1 forever (replays need them), or the
   * deployment's retention period (AJX_RETENTION_RAW_DAYS, docs/operations.md "Personal data").
   */
  rawRetentionMs?: number;
  /** Partitions and retention of the findings topic (defaults: 6, 30 days). */
  findingsPartitions?: number;
  findingsRetentionMs?: number;
}

export const DEFAULT_TOPIC_LAYOUT: TopicLayout = {
  rawPartitions: 6,
  canonicalPartitions: 12,
  dlqPartitions: 3,
  canonicalRetentionMs: 30 * DAY_MS,
  dlqRetentionMs: 90 * DAY_MS,
};

/** The topics a deployment with these insurers needs. */
export function topicSpecs(insurers: readonly string[], layout: TopicLayout = DEFAULT_TOPIC_LAYOUT): TopicSpec[] {
  return [
    ...insurers.map((insurer) => ({
      name: rawTopicName(insurer),
      partitions: layout.rawPartitions,
      retentionMs: layout.rawRetentionMs ?? -1,
      cleanupPolicy: 'delete' as const,
    })),
    {
      name: Topics.canonical,
      partitions: layout.canonicalPartitions,
      retentionMs: layout.canonicalRetentionMs,
      cleanupPolicy: 'delete',
    },
    { name: Topics.dlq, partitions: layout.dlqPartitions, retentionMs: layout.dlqRetentionMs, cleanupPolicy: 'delete' },
    {
      name: Topics.findings,
      partitions: layout.findingsPartitions ?? 6,
      retentionMs: layout.findingsRetentionMs ?? 30 * DAY_MS,
      cleanupPolicy: 'delete',
    },
    ...insurers.map((insurer) => ({
      name: adapterStateTopicName(insurer),
      partitions: 1,
      retentionMs: -1,
      cleanupPolicy: 'compact' as const,
    })),
  ];
}
