import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { cliConfig } from '../cli-config';
import { CliError, EXIT } from '../cli-error';
import { printJson } from '../cli-lazy';
import { DEFAULT_INSURERS } from './topics.command';

// dist/apps/cli/src/commands or apps/cli/src/commands → the repository root (deploy/kafka holds the Kafka tooling)
const ROOT = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../../../..' : '../../../..',
);

interface LocalKafkaTools {
  alterScramUsers(
    bootstrap: string,
    changes: { user: string; password?: string }[],
    opts?: { clientProperties?: string },
  ): void;
}

function kafkaTools(): LocalKafkaTools {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(ROOT, 'deploy', 'kafka', 'local-kafka.cjs')) as LocalKafkaTools;
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

interface PasswordFile {
  users: Record<string, string>;
}

function readPasswords(file: string): PasswordFile {
  if (!fs.existsSync(file)) return { users: {} };
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as PasswordFile;
    return { users: { ...parsed.users } };
  } catch (err) {
    throw new CliError(`${file} is not a password file of ajx kafka provision: ${(err as Error).message}`, EXIT.usage);
  }
}

/** Writes the password file readable by its owner only (0600), replacing it atomically. */
function writePasswords(file: string, content: PasswordFile): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/**
 * The admin connection of the Java tool, when the CLI itself authenticates (a SCRAM super user in production):
 * a temporary 0600 properties file, removed afterwards.
 */
function withClientProperties<T>(run: (file: string | undefined) => T): T {
  const config = cliConfig();
  if (!config.AJX_KAFKA_SASL_MECHANISM) return run(undefined);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { kafkaSasl } = require('@ajx/messaging') as typeof import('@ajx/messaging');
  const sasl = kafkaSasl(config) as { mechanism: string; username: string; password: string };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ajx-kafka-admin-'));
  const file = path.join(dir, 'client.properties');
  const module =
    sasl.mechanism === 'plain'
      ? 'org.apache.kafka.common.security.plain.PlainLoginModule'
      : 'org.apache.kafka.common.security.scram.ScramLoginModule';
  fs.writeFileSync(
    file,
    [
      'security.protocol=SASL_PLAINTEXT',
      `sasl.mechanism=${sasl.mechanism.toUpperCase()}`,
      `sasl.jaas.config=${module} required username="${sasl.username}" password="${sasl.password}";`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  try {
    return run(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function registerKafkaCommands(program: Command): void {
  const kafka = program.command('kafka').description('Kafka users (SCRAM-SHA-512) and ACLs');
  kafka
    .command('provision')
    .description(
      "create each insurer's adapter user (write its own raw topic only) and the service users, with their ACLs",
    )
    .option('--insurers <codes>', 'comma-separated insurer codes', DEFAULT_INSURERS.join(','))
    .option('--password-file <file>', 'where the passwords are kept (JSON, mode 0600)', 'var/kafka-users.json')
    .option('--user-prefix <prefix>', 'prepended to every user name (several deployments on one cluster)', '')
    .option('--rotate', 'give users that already have a password in the file a new one')
    .action(async (o: { insurers: string; passwordFile: string; userPrefix: string; rotate?: boolean }) => {
      const [{ kafkaAccessPlan, KafkaAccessAdmin, createKafkaFromConfig }, { INSURER_CODE_PATTERN }] =
        await Promise.all([import('@ajx/messaging'), import('@ajx/contracts')]);
      const config = cliConfig();
      const insurers = list(o.insurers);
      const bad = insurers.filter((i) => !INSURER_CODE_PATTERN.test(i));
      if (bad.length) throw new CliError(`invalid insurer codes: ${bad.join(', ')}`, EXIT.usage);
      if (o.userPrefix && !/^[A-Za-z0-9._-]+$/.test(o.userPrefix)) {
        throw new CliError('--user-prefix may hold letters, digits, ".", "_" and "-" only', EXIT.usage);
      }
      const plan = kafkaAccessPlan(insurers, config.AJX_TOPIC_PREFIX, o.userPrefix);
      const passwords = readPasswords(o.passwordFile);
      for (const p of plan) {
        if (o.rotate || !passwords.users[p.user]) passwords.users[p.user] = randomBytes(24).toString('base64url');
      }
      // The file first: a password the broker knows is never lost.
      writePasswords(o.passwordFile, passwords);
      withClientProperties((clientProperties) =>
        kafkaTools().alterScramUsers(
          config.AJX_KAFKA_BROKERS[0],
          plan.map((p) => ({ user: p.user, password: passwords.users[p.user] })),
          { clientProperties },
        ),
      );
      const acls = await new KafkaAccessAdmin(createKafkaFromConfig(config, 'ajx-cli')).grant(plan);
      process.stderr.write(
        `kafka: ${plan.length} users (passwords in ${o.passwordFile}), ${acls} ACL entries ensured\n`,
      );
      for (const p of plan) printJson({ user: p.user, role: p.role, grants: p.grants });
    });
  kafka
    .command('acls')
    .description('list the ACLs (NDJSON), of one user with --user')
    .option('--user <user>', 'only this user')
    .action(async (o: { user?: string }) => {
      const { KafkaAccessAdmin, createKafkaFromConfig } = await import('@ajx/messaging');
      const rows = await new KafkaAccessAdmin(createKafkaFromConfig(cliConfig(), 'ajx-cli')).list(o.user);
      for (const r of rows) printJson(r);
    });
  kafka
    .command('revoke')
    .description("remove a user's ACLs and SCRAM credentials")
    .requiredOption('--user <user>', 'the user')
    .option('--password-file <file>', 'also remove the user from this password file')
    .action(async (o: { user: string; passwordFile?: string }) => {
      const { KafkaAccessAdmin, createKafkaFromConfig } = await import('@ajx/messaging');
      const config = cliConfig();
      const removed = await new KafkaAccessAdmin(createKafkaFromConfig(config, 'ajx-cli')).revoke(o.user);
      try {
        withClientProperties((clientProperties) =>
          kafkaTools().alterScramUsers(config.AJX_KAFKA_BROKERS[0], [{ user: o.user }], { clientProperties }),
        );
      } catch (err) {
        // A user without credentials (already revoked) is not an error; anything else is.
        if (!/RESOURCE_NOT_FOUND|ResourceNotFound|not found/i.test((err as Error).message)) throw err;
      }
      if (o.passwordFile && fs.existsSync(o.passwordFile)) {
        const file = readPasswords(o.passwordFile);
        delete file.users[o.user];
        writePasswords(o.passwordFile, file);
      }
      process.stderr.write(`kafka: revoked ${o.user} (${removed} ACL entries removed, credentials deleted)\n`);
    });
}
