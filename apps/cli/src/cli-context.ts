import os from 'node:os';
import { AuditLog, AuditRepository } from '@ajx/audit';
import type { CommonConfig } from '@ajx/config';
import {
  ConsoleUserRepository,
  ConsoleUserService,
  CredentialService,
  IdentityRepository,
  PrincipalService,
} from '@ajx/identity';
import { dataSourceOptions, pgConnection } from '@ajx/persistence';
import { DataSource } from 'typeorm';
import { cliConfig } from './cli-config';

/** Services the operator commands use, wired by hand (no Nest container: the CLI must start fast). */
export interface CliContext {
  config: CommonConfig;
  db: DataSource;
  actor: string;
  audit: AuditLog;
  auditRepo: AuditRepository;
  principals: PrincipalService;
  credentials: CredentialService;
  users: ConsoleUserService;
}

export async function withContext<T>(run: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const db = new DataSource(dataSourceOptions({ ...pgConnection(config), poolSize: 2, applicationName: 'ajx-cli' }));
  await db.initialize();
  try {
    const auditRepo = new AuditRepository(db);
    const audit = new AuditLog(auditRepo);
    const identity = new IdentityRepository(db);
    return await run({
      config,
      db,
      actor: `cli:${os.userInfo().username}`,
      audit,
      auditRepo,
      principals: new PrincipalService(identity, audit),
      credentials: new CredentialService(identity, audit),
      users: new ConsoleUserService(new ConsoleUserRepository(db), identity, audit),
    });
  } finally {
    await db.destroy();
  }
}
