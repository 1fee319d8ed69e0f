import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import { printJson, withContext } from '../cli-lazy';

interface FilterOptions {
  insurer?: string;
  batch?: string;
  code?: string;
  since?: string;
  until?: string;
}

function date(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new CliError(`--${name} must be a date or ISO 8601 instant`, EXIT.usage);
  return d;
}

function filterOf(o: FilterOptions) {
  if (o.batch !== undefined && !/^[0-9a-f-]{36}$/i.test(o.batch))
    throw new CliError('--batch must be a batch id (uuid)', EXIT.usage);
  return {
    insurer: o.insurer,
    batchId: o.batch,
    code: o.code,
    since: date(o.since, 'since'),
    until: date(o.until, 'until'),
  };
}

const withFilters = (c: Command) =>
  c
    .option('--insurer <code>')
    .option('--batch <batchId>')
    .option('--code <rejectCode>')
    .option('--since <time>', 'rejected at or after')
    .option('--until <time>', 'rejected at or before');

export function registerDlqCommands(program: Command): void {
  const dlq = program.command('dlq').description('rejected records (ajx.dlq.v1)');
  withFilters(dlq.command('list').description('list DLQ entries as NDJSON'))
    .option('--status <status>', 'open | resolved | all', 'open')
    .option('--limit <n>', 'at most n entries', '1000')
    .action(async (o: FilterOptions & { status: string; limit: string }) => {
      if (!['open', 'resolved', 'all'].includes(o.status))
        throw new CliError('--status is open, resolved or all', EXIT.usage);
      const filter = filterOf(o);
      const { DlqRepository } = await import('@ajx/canonical-store');
      await withContext(async (ctx) => {
        const entries = await new DlqRepository(ctx.db).list({
          ...filter,
          status: o.status as 'open',
          limit: Number(o.limit),
        });
        // The raw value is printed as text (lossless when it is UTF-8, which every hub message is).
        // null: removed by the retention job or an erasure.
        for (const { rawValue, ...e } of entries) printJson({ ...e, rawValue: rawValue?.toString('utf8') ?? null });
        process.stderr.write(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}\n`);
      });
    });
  withFilters(dlq.command('redrive').description('run open entries through the current mapping again')).action(
    async (o: FilterOptions) => {
      const filter = filterOf(o);
      const [{ DlqRepository }, { DlqRedriver }, { withPipeline }] = await Promise.all([
        import('@ajx/canonical-store'),
        import('@ajx/normalization'),
        import('../cli-pipeline'),
      ]);
      await withContext((ctx) =>
        withPipeline(ctx, async ({ pipeline }) => {
          await ctx.audit.record({ actor: ctx.actor, action: 'dlq.redrive', outcome: 'ok', details: { ...filter } });
          const result = await new DlqRedriver(new DlqRepository(ctx.db), pipeline).redrive(filter);
          printJson(result);
          process.stderr.write(
            `redriven ${result.attempted}: ${result.normalized} normalised, ${result.rejected} still rejected` +
              (result.purged ? `, ${result.purged} skipped (raw bytes removed by retention or erasure)` : '') +
              '\n',
          );
        }),
      );
    },
  );
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description(
      'run raw records of a batch or a time range through the current mapping (corrections for changed content)',
    )
    .requiredOption('--insurer <code>')
    .option('--batch <batchId>')
    .option('--from <time>', 'raw messages published at or after')
    .option('--to <time>', 'raw messages published at or before')
    .action(async (o: { insurer: string; batch?: string; from?: string; to?: string }) => {
      if (!o.batch && !o.from) throw new CliError('give --batch or --from (and optionally --to)', EXIT.usage);
      const sel = { insurer: o.insurer, batchId: o.batch, from: date(o.from, 'from'), to: date(o.to, 'to') };
      const [{ RawReplayer }, { IngestBatchRepository }, { withPipeline }] = await Promise.all([
        import('@ajx/normalization'),
        import('@ajx/ingest-store'),
        import('../cli-pipeline'),
      ]);
      await withContext((ctx) =>
        withPipeline(ctx, async ({ kafka, pipeline }) => {
          if (sel.batchId && !sel.from) {
            const b = await new IngestBatchRepository(ctx.db).find(sel.batchId);
            if (!b) throw new CliError(`no batch ${sel.batchId}`, EXIT.usage);
            sel.from = b.accepted_at;
          }
          await ctx.audit.record({
            actor: ctx.actor,
            action: 'replay.start',
            target: o.insurer,
            outcome: 'ok',
            details: { ...sel },
          });
          const result = await new RawReplayer(kafka, pipeline, ctx.config.AJX_TOPIC_PREFIX).replay(sel);
          printJson(result);
          process.stderr.write(
            `replayed ${result.matched} of ${result.scanned} scanned: ${result.corrections} corrections, ${result.normalized} new, ` +
              `${result.duplicates} unchanged, ${result.rejected} rejected\n`,
          );
        }),
      );
    });
}
