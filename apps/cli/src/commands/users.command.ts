import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import { printJson, withContext } from '../cli-lazy';

/** The first line of standard input (a password given with --password-stdin, never on the command line). */
async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0];
}

async function identityErrors<T>(run: () => Promise<T>): Promise<T> {
  const { InvalidPrincipalError, NotFoundError } = await import('@ajx/identity');
  try {
    return await run();
  } catch (err) {
    if (err instanceof InvalidPrincipalError || err instanceof NotFoundError)
      throw new CliError(err.message, EXIT.usage);
    throw err;
  }
}

/** `ajx users`: the console's people (docs/console.md). Passwords are printed once, or read from stdin. */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('console users: people who sign in as a principal');
  users
    .command('add')
    .description('create a user of a principal; without --password-stdin a generated password is printed once')
    .requiredOption('--username <name>', '3–64 lower-case letters, digits, ".", "_", "-"')
    .requiredOption('--principal <id>', 'the department, insurer or operator the user acts as')
    .requiredOption('--name <displayName>', 'the person’s name as the console shows it')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(async (o: { username: string; principal: string; name: string; passwordStdin?: boolean }) => {
      const { generatePassword } = await import('@ajx/identity');
      const password = o.passwordStdin ? await firstLineOfStdin() : generatePassword();
      await withContext((ctx) =>
        identityErrors(async () => {
          const user = await ctx.users.add(
            { username: o.username, principalId: o.principal, displayName: o.name, password },
            ctx.actor,
          );
          printJson({ user, ...(o.passwordStdin ? {} : { password }) });
        }),
      );
    });
  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    users
      .command(name)
      .description(enabled ? 'let a disabled user sign in again' : 'refuse the user’s sign-ins and end its sessions')
      .argument('<username>')
      .action(async (username: string) => {
        await withContext((ctx) =>
          identityErrors(async () => printJson(await ctx.users.setEnabled(username, enabled, ctx.actor))),
        );
      });
  }
  users
    .command('reset')
    .description(
      'set a new password (generated and printed once, or --password-stdin); ends the user’s sessions and lock',
    )
    .argument('<username>')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(async (username: string, o: { passwordStdin?: boolean }) => {
      const password = o.passwordStdin ? await firstLineOfStdin() : undefined;
      await withContext((ctx) =>
        identityErrors(async () => {
          const r = await ctx.users.reset(username, ctx.actor, password);
          printJson(o.passwordStdin ? { user: r.user } : r);
        }),
      );
    });
  users
    .command('list')
    .option('--principal <id>', 'only the users of this principal')
    .action(async (o: { principal?: string }) => {
      await withContext(async (ctx) => {
        for (const u of await ctx.users.list(o.principal)) printJson(u);
      });
    });
}
