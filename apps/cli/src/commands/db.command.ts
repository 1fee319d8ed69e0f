import type { Command } from 'commander';
import { cliConfig } from '../cli-config';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database schema');
  db.command('migrate')
    .description('create the database if it does not exist and apply pending migrations')
    .action(async () => {
      const { ensureDatabase, migrate } = await import('@ajx/persistence');
      const config = cliConfig();
      if (await ensureDatabase(config.AJX_DATABASE_URL)) process.stderr.write('created database\n');
      const applied = await migrate(config.AJX_DATABASE_URL);
      process.stderr.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
    });
}
