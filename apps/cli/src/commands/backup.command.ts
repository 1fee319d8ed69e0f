import type { Command } from 'commander';
import { cliConfig } from '../cli-config';
import { printJson } from '../cli-lazy';

async function backupService() {
  const [{ BackupService }, { createKafkaFromConfig, TopicBackup }, { pgConnection }] = await Promise.all([
    import('../backup/backup.service'),
    import('@ajx/messaging'),
    import('@ajx/persistence'),
  ]);
  const config = cliConfig();
  return new BackupService(
    config,
    pgConnection(config),
    new TopicBackup(createKafkaFromConfig(config, 'ajx-backup'), config.AJX_TOPIC_PREFIX),
    (line) => process.stderr.write(`${line}\n`),
  );
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      'back up the hub consistently: consumer offsets, then PostgreSQL (pg_dump), then every hub topic and the ' +
        'uploads still to be published (docs/operations.md, "Backup and restore")',
    )
    .requiredOption('--out <dir>', 'a new (or empty) directory')
    .action(async (o: { out: string }) => {
      const manifest = await (await backupService()).backup(o.out);
      printJson({
        out: o.out,
        createdAt: manifest.createdAt,
        migrations: manifest.migrations.length,
        groups: Object.keys(manifest.groups),
        topics: manifest.topics.map((t) => ({
          topic: t.topic,
          messages: Object.values(t.ranges).reduce((n, r) => n + r.messages, 0),
        })),
        uploads: manifest.uploads.length,
      });
    });
  program
    .command('restore')
    .description(
      'restore a backup into an empty database (AJX_DATABASE_URL) and an empty broker (AJX_KAFKA_BROKERS); then ' +
        'start the services',
    )
    .requiredOption('--from <dir>', 'a directory written by ajx backup')
    .action(async (o: { from: string }) => {
      printJson(await (await backupService()).restore(o.from));
    });
}
