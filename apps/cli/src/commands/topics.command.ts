import type { Command } from 'commander';
import { cliConfig } from '../cli-config';

export const DEFAULT_INSURERS = ['PICC', 'PINGAN', 'CPIC', 'DADI'];

export function registerTopicCommands(program: Command): void {
  const topics = program.command('topics').description('Kafka topics');
  topics
    .command('ensure')
    .description('create the hub topics (raw per insurer, canonical, DLQ) or bring them up to spec')
    .option('--insurers <codes>', 'comma-separated insurer codes', DEFAULT_INSURERS.join(','))
    .action(async (opts: { insurers: string }) => {
      const [{ DEFAULT_TOPIC_LAYOUT, topicSpecs }, { createKafkaFromConfig, TopicAdmin }] = await Promise.all([
        import('@ajx/contracts'),
        import('@ajx/messaging'),
      ]);
      const { RetentionConfig } = await import('../privacy/retention.config');
      const config = cliConfig(RetentionConfig);
      const kafka = createKafkaFromConfig(config, 'ajx-cli');
      const insurers = opts.insurers
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const rawDays = config.AJX_RETENTION_RAW_DAYS;
      const result = await new TopicAdmin(kafka, config.AJX_TOPIC_PREFIX).ensure(
        topicSpecs(insurers, { ...DEFAULT_TOPIC_LAYOUT, rawRetentionMs: rawDays > 0 ? rawDays * 86_400_000 : -1 }),
      );
      process.stderr.write(
        `topics: created ${result.created.length}, grown ${result.grown.length}, ` +
          `reconfigured ${result.reconfigured.length}, unchanged ${result.unchanged.length}\n`,
      );
    });
}
