import type { Command } from 'commander';
import { cliConfig } from '../cli-config';
import { CliError, EXIT } from '../cli-error';
import { printJson, withContext } from '../cli-lazy';
import type { CliContext } from '../cli-context';

async function privacyService(ctx: CliContext) {
  const [
    { ErasureLedgerRepository, PersonalDataRepository },
    { DeptPersonalDataRepository },
    { IngestBatchRepository },
    { PrivacyService },
  ] = await Promise.all([
    import('@ajx/canonical-store'),
    import('@ajx/dept-store'),
    import('@ajx/ingest-store'),
    import('../privacy/privacy.service'),
  ]);
  const ledger = new ErasureLedgerRepository(ctx.db);
  return {
    ledger,
    service: new PrivacyService(
      new PersonalDataRepository(ctx.db),
      new DeptPersonalDataRepository(ctx.db),
      ledger,
      new IngestBatchRepository(ctx.db),
      ctx.auditRepo,
      ctx.audit,
    ),
  };
}

export function registerPrivacyCommands(program: Command): void {
  const privacy = program.command('privacy').description('personal data (PIPL): erasure requests');
  privacy
    .command('erase')
    .description(
      "erase one enterprise's personal fields (联系人, 电话, staff names, 证书号) from the canonical store, department " +
        'copies, DLQ raw bytes and stored uploads; recorded in the erasure ledger and the audit log',
    )
    .requiredOption('--uscc <code>', 'the enterprise (unified social credit code)')
    .requiredOption('--reason <text>', 'the request it answers (reference, date)')
    .action(async (o: { uscc: string; reason: string }) => {
      await withContext(async (ctx) => {
        const { service } = await privacyService(ctx);
        try {
          printJson(await service.erase(o.uscc.trim().toUpperCase(), o.reason, ctx.actor));
        } catch (err) {
          if (err instanceof Error && /unified social credit|reason/.test(err.message))
            throw new CliError(err.message, EXIT.usage);
          throw err;
        }
      });
    });
  privacy
    .command('erasures')
    .description('the erasure ledger (what was erased where, never the values)')
    .option('--uscc <code>')
    .action(async (o: { uscc?: string }) => {
      await withContext(async (ctx) => {
        for (const e of await (await privacyService(ctx)).ledger.list(o.uscc)) printJson(e);
      });
    });

  const retention = program.command('retention').description('retention periods of personal data (AJX_RETENTION_*)');
  retention
    .command('run')
    .description('enforce the retention periods: stored uploads, DLQ raw bytes, personal fields of idle records')
    .option('--dry-run', 'count what is due, change nothing')
    .option('--every-hours <n>', 'keep running: enforce again every n hours (a scheduled job, e.g. in Compose)')
    .action(async (o: { dryRun?: boolean; everyHours?: string }) => {
      const { RetentionConfig } = await import('../privacy/retention.config');
      const config = cliConfig(RetentionConfig);
      const every = o.everyHours === undefined ? 0 : Number(o.everyHours);
      if (o.everyHours !== undefined && !(every > 0 && every <= 24 * 31))
        throw new CliError('--every-hours must be a number of hours (0 < n ≤ 744)', EXIT.usage);
      let stop = false;
      let wake: (() => void) | null = null;
      let timer: NodeJS.Timeout | undefined;
      const onSignal = () => {
        stop = true;
        clearTimeout(timer);
        wake?.();
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      do {
        await withContext(async (ctx) => {
          printJson(await (await privacyService(ctx)).service.runRetention(config, ctx.actor, new Date(), o.dryRun));
        });
        if (!every || stop) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, every * 3_600_000);
        });
      } while (!stop);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    });
}
