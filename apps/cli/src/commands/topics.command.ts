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
      const [{ topicSpecs }, { createKafkaFromConfig, TopicAdmin }] = await Promise.all([
        import('@ajx/contracts'),
        import('@ajx/messaging'),
      ]);
      const config = cliConfig();
      const kafka = createKafkaFromConfig(config, 'ajx-cli');
      const insurers = opts.insurers
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const result = await new TopicAdmin(kafka, config.AJX_TOPIC_PREFIX).ensure(topicSpecs(insurers));
      process.stderr.write(
        `topics: created ${result.created.length}, grown ${result.grown.length}, ` +
          `reconfigured ${result.reconfigured.length}, unchanged ${result.unchanged.length}\n`,
      );
    });
}
