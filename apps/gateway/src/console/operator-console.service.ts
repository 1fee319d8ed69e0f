import fs from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, AuditSigner, AuditVerifier, type AuditVerification } from '@ajx/audit';
import { CanonicalStoreRepository, type DlqEntry, DlqRepository } from '@ajx/canonical-store';
import { createNormalizer } from '@ajx/domain';
import { ConsoleUserService, InvalidPrincipalError, NotFoundError, type Principal } from '@ajx/identity';
import { EventProducer, KAFKA } from '@ajx/messaging';
import type { Kafka } from 'kafkajs';
import { DlqRedriver, NormalizationPipeline, type RedriveResult } from '@ajx/normalization';
import { ConsoleSessions } from '../auth/console-sessions';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import { ConsoleUserDto, type AddUserDto, type ResetUserResultDto } from './dto/console.dto';

export interface DlqEntryView extends Omit<DlqEntry, 'rawValue' | 'rejectedAt' | 'resolvedAt' | 'acceptedAt'> {
  rejectedAt: string;
  resolvedAt: string | null;
  acceptedAt: string | null;
  /** The rejected message as text (null: removed by retention or an erasure). */
  rawValue: string | null;
}

function view({ rawValue, rejectedAt, resolvedAt, acceptedAt, ...e }: DlqEntry): DlqEntryView {
  return {
    ...e,
    rejectedAt: rejectedAt.toISOString(),
    resolvedAt: resolvedAt?.toISOString() ?? null,
    acceptedAt: acceptedAt?.toISOString() ?? null,
    rawValue: rawValue?.toString('utf8') ?? null,
  };
}

function identityError(err: unknown): never {
  if (err instanceof InvalidPrincipalError) throw apiError(400, 'INVALID_USER', err.message, err.problems);
  if (err instanceof NotFoundError) throw apiError(404, 'NOT_FOUND', err.message);
  throw err;
}

/**
 * What the console's operator pages need beyond the admin API: console users, the DLQ (list, inspect, redrive one
 * entry or a filter) and the audit chain's verification with this gateway's key.
 */
@Injectable()
export class OperatorConsoleService {
  private readonly redriver: DlqRedriver;

  constructor(
    private readonly users: ConsoleUserService,
    private readonly sessions: ConsoleSessions,
    private readonly dlq: DlqRepository,
    canonical: CanonicalStoreRepository,
    producer: EventProducer,
    private readonly verifier: AuditVerifier,
    private readonly audit: AuditLog,
    private readonly config: GatewayConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
  ) {
    this.redriver = new DlqRedriver(dlq, new NormalizationPipeline(createNormalizer(), canonical, producer));
  }

  async listUsers(principal?: string): Promise<ConsoleUserDto[]> {
    return (await this.users.list(principal)).map((u) => ConsoleUserDto.of(u));
  }

  async addUser(dto: AddUserDto, me: Principal, rid?: string): Promise<ConsoleUserDto> {
    return ConsoleUserDto.of(await this.users.add(dto, me.id, rid).catch(identityError));
  }

  async setEnabled(username: string, enabled: boolean, me: Principal, rid?: string): Promise<ConsoleUserDto> {
    const user = await this.users.setEnabled(username, enabled, me.id, rid).catch(identityError);
    if (!enabled) await this.sessions.endAllOf(user.id);
    return ConsoleUserDto.of(user);
  }

  async reset(
    username: string,
    password: string | undefined,
    me: Principal,
    rid?: string,
  ): Promise<ResetUserResultDto> {
    const { user, password: next } = await this.users.reset(username, me.id, password, rid).catch(identityError);
    await this.sessions.endAllOf(user.id);
    return { user: ConsoleUserDto.of(user), password: next };
  }

  async listDlq(q: { status?: string; insurer?: string; code?: string; after?: string; limit: number }) {
    if (q.status !== undefined && !['open', 'resolved', 'all'].includes(q.status))
      throw apiError(400, 'INVALID_QUERY', 'status is open, resolved or all');
    if (q.after !== undefined && !/^\d{1,18}$/.test(q.after))
      throw apiError(400, 'INVALID_QUERY', 'after is an entry id');
    const items = await this.dlq.list({
      status: (q.status ?? 'open') as 'open',
      insurer: q.insurer,
      code: q.code,
      afterId: q.after,
      limit: q.limit,
    });
    return {
      items: items.map(view),
      next: items.length === q.limit ? items[items.length - 1].id : null,
    };
  }

  async dlqEntry(id: string): Promise<DlqEntryView> {
    const [entry] = /^\d{1,18}$/.test(id) ? await this.dlq.list({ id, status: 'all', limit: 1 }) : [];
    if (!entry) throw apiError(404, 'NOT_FOUND', `no DLQ entry ${id}`);
    return view(entry);
  }

  /** Runs one open entry through the current mapping again (audited); answers the entry as it is afterwards. */
  async redrive(id: string, me: Principal, rid?: string): Promise<{ result: RedriveResult; entry: DlqEntryView }> {
    const before = await this.dlqEntry(id);
    if (before.status !== 'open') throw apiError(409, 'NOT_OPEN', `DLQ entry ${id} is already resolved`);
    await this.audit.record({ actor: me.id, action: 'dlq.redrive', target: id, outcome: 'ok', requestId: rid });
    const result = await this.redriver.redrive({ id });
    return { result, entry: await this.dlqEntry(id) };
  }

  /**
   * How far each consumer group of this hub (its ids start with AJX_TOPIC_PREFIX + `ajx.`) is behind, per topic:
   * the sum over partitions of the high watermark minus the committed offset.
   */
  async consumerLag(): Promise<{ items: { group: string; topic: string; lag: number }[] }> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const prefix = `${this.config.AJX_TOPIC_PREFIX}ajx.`;
      const { groups } = await admin.listGroups();
      const items: { group: string; topic: string; lag: number }[] = [];
      const ends = new Map<string, Map<number, bigint>>();
      for (const { groupId } of groups
        .filter((g) => g.groupId.startsWith(prefix))
        .sort((a, b) => a.groupId.localeCompare(b.groupId))) {
        for (const t of await admin.fetchOffsets({ groupId })) {
          if (!ends.has(t.topic))
            ends.set(
              t.topic,
              new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, BigInt(p.high)])),
            );
          const high = ends.get(t.topic)!;
          let lag = 0n;
          for (const p of t.partitions) {
            const end = high.get(p.partition) ?? 0n;
            const committed = BigInt(p.offset) < 0n ? 0n : BigInt(p.offset);
            if (end > committed) lag += end - committed;
          }
          items.push({ group: groupId, topic: t.topic, lag: Number(lag) });
        }
      }
      return { items };
    } finally {
      await admin.disconnect();
    }
  }

  /** Verifies the whole audit chain with this gateway's signing key (after a rotation: `ajx audit verify --keyring`). */
  async verifyAudit(me: Principal, rid?: string): Promise<AuditVerification> {
    const key = AuditSigner.fromPem(fs.readFileSync(this.config.AJX_AUDIT_KEY_FILE, 'utf8')).verifier();
    const result = await this.verifier.verify(key);
    await this.audit.record({
      actor: me.id,
      action: 'audit.verify',
      target: 'audit-chain',
      outcome: result.ok ? 'ok' : 'error',
      details: { blocks: result.blocks, entries: result.entries, problems: result.problems.length },
      requestId: rid,
    });
    return result;
  }
}
