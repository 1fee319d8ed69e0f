import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import { printJson, withContext } from '../cli-lazy';

export function registerPrincipalCommands(program: Command): void {
  const principals = program.command('principals').description('insurers, departments, the province, operators');
  principals
    .command('add')
    .description('register (or update) a principal')
    .requiredOption('--id <id>', 'insurer code (PICC) or a slug')
    .requiredOption('--type <type>', 'insurer | department | province | operator')
    .requiredOption('--name <name>', 'display name')
    .option('--kind <kind>', 'department kind (rule pack)')
    .option('--level <level>', 'department level: province | city | county')
    .option('--region <code>', 'department jurisdiction / province code (6 digits)')
    .action(async (o: { id: string; type: string; name: string; kind?: string; level?: string; region?: string }) => {
      const { InvalidPrincipalError } = await import('@ajx/identity');
      await withContext(async (ctx) => {
        try {
          const department =
            o.type === 'department'
              ? { kind: o.kind ?? '', level: (o.level ?? '') as 'county', regionCode: o.region ?? '' }
              : undefined;
          const { principal, created } = await ctx.principals.register(
            {
              id: o.id,
              type: o.type as 'insurer',
              name: o.name,
              department,
              regionCode: o.type === 'province' ? o.region : undefined,
            },
            ctx.actor,
          );
          printJson({ created, principal });
        } catch (err) {
          if (err instanceof InvalidPrincipalError) throw new CliError(err.message, EXIT.usage);
          throw err;
        }
      });
    });
  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    principals
      .command(name)
      .description(
        enabled
          ? 'enable a disabled principal again (its unexpired, unrevoked tokens work again)'
          : 'disable a principal: every token of it (and interchange keys standing for it) is refused until enabled',
      )
      .argument('<id>')
      .action(async (id: string) => {
        const { NotFoundError } = await import('@ajx/identity');
        await withContext(async (ctx) => {
          try {
            printJson(await ctx.principals.setEnabled(id, enabled, ctx.actor));
          } catch (err) {
            if (err instanceof NotFoundError) throw new CliError(err.message, EXIT.usage);
            throw err;
          }
        });
      });
  }
  principals
    .command('list')
    .option('--type <type>', 'only this type')
    .action(async (o: { type?: string }) => {
      await withContext(async (ctx) => {
        for (const p of await ctx.principals.list(o.type as 'insurer' | undefined)) printJson(p);
      });
    });
}

export function registerCredentialCommands(program: Command): void {
  const credentials = program.command('credentials').description('API tokens (stored as SHA-256 hashes)');
  credentials
    .command('issue')
    .description('issue a token for a principal; the token is printed once')
    .requiredOption('--principal <id>')
    .option('--days <n>', 'validity in days', '90')
    .option('--label <text>')
    .action(async (o: { principal: string; days: string; label?: string }) => {
      const { InvalidPrincipalError, NotFoundError } = await import('@ajx/identity');
      await withContext(async (ctx) => {
        try {
          const issued = await ctx.credentials.issue(
            o.principal,
            { validDays: Number(o.days), label: o.label },
            ctx.actor,
          );
          printJson(issued);
        } catch (err) {
          if (err instanceof InvalidPrincipalError || err instanceof NotFoundError)
            throw new CliError(err.message, EXIT.usage);
          throw err;
        }
      });
    });
  credentials
    .command('list')
    .option('--principal <id>')
    .action(async (o: { principal?: string }) => {
      await withContext(async (ctx) => {
        for (const c of await ctx.credentials.list(o.principal)) printJson(c);
      });
    });
  credentials
    .command('revoke')
    .argument('<credentialId>')
    .action(async (id: string) => {
      const { NotFoundError } = await import('@ajx/identity');
      await withContext(async (ctx) => {
        try {
          printJson(await ctx.credentials.revoke(id, ctx.actor));
        } catch (err) {
          if (err instanceof NotFoundError) throw new CliError(err.message, EXIT.usage);
          throw err;
        }
      });
    });
}
