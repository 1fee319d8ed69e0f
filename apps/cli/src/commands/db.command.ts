import type { Command } from 'commander';
import { cliConfig } from '../cli-config';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database schema');
  db.command('migrate')
    .description('create the database if it does not exist and apply pending migrations')
    .option(
      '--api-password-file <file>',
      "give the department API's role ajx_api this password (first line; default: AJX_API_DATABASE_PASSWORD_FILE)",
    )
    .action(async (o: { apiPasswordFile?: string }) => {
      const { ensureDatabase, migrate, pgConnection, setApiRolePassword } = await import('@ajx/persistence');
      const { readSecretFile } = await import('@ajx/config');
      const config = cliConfig();
      const { url, ssl } = pgConnection(config);
      const apiPasswordFile = o.apiPasswordFile ?? process.env.AJX_API_DATABASE_PASSWORD_FILE ?? '';
      // Read before anything changes, so a missing file stops the command with nothing half done.
      const apiPassword = apiPasswordFile ? readSecretFile('AJX_API_DATABASE_PASSWORD_FILE', apiPasswordFile) : null;
      if (await ensureDatabase(url, ssl)) process.stderr.write('created database\n');
      const applied = await migrate(url, ssl);
      process.stderr.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
      if (apiPassword !== null) {
        await setApiRolePassword(url, apiPassword, ssl);
        process.stderr.write('set the password of role ajx_api\n');
      }
    });
}
