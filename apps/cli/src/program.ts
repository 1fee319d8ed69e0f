import { Command, CommanderError } from 'commander';
import { registerDbCommands } from './commands/db.command';
import { registerNormalizeCommand } from './commands/normalize.command';
import { registerTopicCommands } from './commands/topics.command';
import { registerKafkaCommands } from './commands/kafka.command';
import { registerPublishCommand } from './commands/publish.command';
import { registerAuditCommands } from './commands/audit.command';
import { registerKeysCommands } from './commands/keys.command';
import { registerInterchangeCommands } from './commands/interchange.command';
import { registerDlqCommands, registerReplayCommand } from './commands/dlq.command';
import { registerSeedCommand } from './commands/seed.command';
import { registerSimulateCommand } from './commands/simulate.command';
import { registerPrivacyCommands } from './commands/privacy.command';
import { registerBackupCommands } from './commands/backup.command';
import { registerSuperviseCommand } from './commands/supervise.command';
import { registerReportsCommands } from './commands/reports.command';
import { registerCredentialCommands, registerPrincipalCommands } from './commands/principals.command';
import { registerUserCommands } from './commands/users.command';
import { CliError, EXIT } from './cli-error';

/**
 * `ajx` — the operator and insurer command line. Output meant for programs goes to stdout; every log and
 * message goes to stderr. Command modules load their heavy dependencies lazily so start-up stays fast.
 */
export function buildProgram(): Command {
  const program = new Command('ajx')
    .description('AJX Hub command line (安责险数据交换枢纽)')
    .version(process.env.npm_package_version ?? '0.1.0')
    .configureOutput({ writeOut: (s) => process.stderr.write(s), writeErr: (s) => process.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError();
  registerDbCommands(program);
  registerTopicCommands(program);
  registerKafkaCommands(program);
  registerNormalizeCommand(program);
  registerSuperviseCommand(program);
  registerReportsCommands(program);
  registerPrincipalCommands(program);
  registerCredentialCommands(program);
  registerUserCommands(program);
  registerAuditCommands(program);
  registerKeysCommands(program);
  registerInterchangeCommands(program);
  registerDlqCommands(program);
  registerReplayCommand(program);
  registerSeedCommand(program);
  registerSimulateCommand(program);
  registerPublishCommand(program);
  registerPrivacyCommands(program);
  registerBackupCommands(program);
  return program;
}

export async function runProgram(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other parse failure is a usage error.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT.usage;
      return;
    }
    if (err instanceof CliError) {
      process.stderr.write(`ajx: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`ajx: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT.failure;
  }
}
