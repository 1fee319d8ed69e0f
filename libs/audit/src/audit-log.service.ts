import { Injectable, Logger } from '@nestjs/common';
import type { AuditEntryInput } from './audit-entry';
import { AuditRepository } from './audit.repository';

interface Pending {
  entry: AuditEntryInput;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const MAX_GROUP = 500;

/**
 * Appends audit entries with group commit: concurrent calls share one multi-row INSERT, and each caller's promise
 * resolves only once its entry is durable. Callers await it, so an action is never reported done unaudited.
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger(AuditLog.name);
  private queue: Pending[] = [];
  private flushing = false;

  constructor(private readonly repo: AuditRepository) {}

  record(entry: AuditEntryInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, MAX_GROUP);
      try {
        await this.repo.insert(group.map((p) => p.entry));
        group.forEach((p) => p.resolve());
      } catch (err) {
        this.logger.error(`could not append ${group.length} audit entries: ${(err as Error).message}`);
        group.forEach((p) => p.reject(err));
      }
    }
    this.flushing = false;
  }
}
